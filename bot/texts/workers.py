"""Texts of issue 15 (several workers on one PostgreSQL database)."""

VI: dict[str, str] = {
    "status_workers": "Tiến trình bot đang chạy: {count} ({names})",
    "status_poller": "Đang nhận tin từ Telegram (long polling): {worker}",
    "status_no_poller": "Chưa tiến trình nào nhận tin bằng long polling (chế độ webhook, hoặc đang chuyển giao).",
    "cli_database_unavailable": "Không kết nối được cơ sở dữ liệu ({error}); kiểm tra máy chủ PostgreSQL, [database] url và {env} rồi thử lại.",
}

EN: dict[str, str] = {
    "status_workers": "Bot workers running: {count} ({names})",
    "status_poller": "Receiving updates from Telegram (long polling): {worker}",
    "status_no_poller": "No worker is long polling (webhook mode, or a takeover in progress).",
    "cli_database_unavailable": "Could not connect to the database ({error}); check the PostgreSQL server, [database] url and {env}, then try again.",
}
