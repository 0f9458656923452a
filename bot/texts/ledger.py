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
}
