"""Texts of personal data: the audit trail a member sees and their data export."""

VI: dict[str, str] = {
    # --- privacy ----------------------------------------------------------------------
    "audit_header": "🔍 Nhật ký truy cập ({count} mục gần nhất): ai đã xem báo cáo, xuất dữ liệu, thay đổi gì.",
    "audit_line": "{when} — {who} — {action} — {unit}",
    "btn_export_data": "📤 Xuất dữ liệu cá nhân",
    "privacy_export_done": "Dữ liệu cá nhân của {name} (theo yêu cầu của đồng chí ấy). Xin giữ kín và chỉ gửi cho chính người đó.",
}

EN: dict[str, str] = {
    # --- privacy ----------------------------------------------------------------------
    "audit_header": "🔍 Audit log ({count} latest entries): who read reports, exported data, changed what.",
    "audit_line": "{when} — {who} — {action} — {unit}",
    "btn_export_data": "📤 Export personal data",
    "privacy_export_done": "{name}'s personal data (at their request). Keep it private and give it only to them.",
}
