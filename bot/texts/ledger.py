"""Texts of the one ledger (issue 20): months brought from another branch, members who
left during the year, meetings not confirmed, months not due yet, outcomes."""

VI: dict[str, str] = {
    "rule24_month_branch": "{month} ({branch})",
    "report_left_transferred": "đã chuyển đi ngày {date}",
    "report_left_left": "đã xóa tên ngày {date}",
    "report_branch_pending": ", tháng {month} chưa đến hạn",
    "report_branch_unconfirmed": "   Chưa xác nhận (chưa chốt điểm danh, không tính là đã họp): {count} buổi — {days}",
    "report_status_not_invited": "không được mời",
    "report_status_unconfirmed": "chưa xác nhận",
    "report_status_not_attending": "không dự",
    "xl_state_unconfirmed": "chưa xác nhận",
    "dues_not_due": "Chưa đến hạn: {months}",
    "report_heatmap_unconfirmed": "? chưa xác nhận",
    "warn_unconfirmed": "📝 Buổi sinh hoạt ({kind}) ngày {day} của {unit} chưa chốt điểm danh nên chưa được xác nhận và không được tính là đã họp. Xin vào /attendance để ghi nhận và chốt điểm danh.",
    "warn_unconfirmed_again": "📝 Nhắc lại: buổi sinh hoạt ({kind}) ngày {day} của {unit} vẫn chưa chốt điểm danh (chưa xác nhận, không tính là đã họp). Xin vào /attendance để ghi nhận.",
    "two_join_preview_official": "Đồng chí {name} là đảng viên 213 tại {home}. Tham gia {unit} là nơi sinh hoạt chính thức (tính tỷ lệ dự họp, đóng đảng phí, xét theo Quy định 24)?\n\nCùng tài khoản Telegram này; tại {home} đồng chí vẫn được mời họp với tư cách đảng viên 213.",
    "two_join_done_official": "🎉 Đồng chí {name} đã tham gia {unit}, nơi sinh hoạt chính thức. Giấy mời họp của từng chi bộ sẽ ghi rõ tên chi bộ; gõ /me để xem cả hai.",
}

EN: dict[str, str] = {
    "rule24_month_branch": "{month} ({branch})",
    "report_left_transferred": "moved away on {date}",
    "report_left_left": "removed on {date}",
    "report_branch_pending": ", month {month} not due yet",
    "report_branch_unconfirmed": "   Not confirmed (roll call never closed, not counted as held): {count} — {days}",
    "report_status_not_invited": "not invited",
    "report_status_unconfirmed": "not confirmed",
    "report_status_not_attending": "did not attend",
    "xl_state_unconfirmed": "not confirmed",
    "dues_not_due": "Not due yet: {months}",
    "report_heatmap_unconfirmed": "? not confirmed",
    "warn_unconfirmed": "📝 The meeting ({kind}) of {day} in {unit} has no closed roll call: it is not confirmed and does not count as held. Please record it in /attendance and close the roll call.",
    "warn_unconfirmed_again": "📝 Reminder: the meeting ({kind}) of {day} in {unit} still has no closed roll call (not confirmed, not counted as held). Please record it in /attendance.",
    "two_join_preview_official": "{name}, you are a \"213\" member in {home}. Join {unit} as your official branch (counted in its attendance, owing dues there, under Regulation 24)?\n\nWith this same Telegram account; {home} keeps inviting you as a \"213\" member.",
    "two_join_done_official": "🎉 {name}, you have joined {unit} as your official branch. Each branch's meeting invitations name the branch; type /me to see both.",
}
