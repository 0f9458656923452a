"""Texts of issue 15 (several workers on one PostgreSQL database)."""

VI: dict[str, str] = {
    "status_workers": "Tiến trình bot đang chạy: {count} ({names})",
    "status_poller": "Đang nhận tin từ Telegram (long polling): {worker}",
    "status_no_poller": "Chưa tiến trình nào nhận tin bằng long polling (chế độ webhook, hoặc đang chuyển giao).",
}

EN: dict[str, str] = {
    "status_workers": "Bot workers running: {count} ({names})",
    "status_poller": "Receiving updates from Telegram (long polling): {worker}",
    "status_no_poller": "No worker is long polling (webhook mode, or a takeover in progress).",
}
