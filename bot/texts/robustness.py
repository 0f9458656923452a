"""Texts of issue 12 (robustness): delivery status, start-up, honest error replies."""

VI: dict[str, str] = {
    "status_retrying": "Chờ gửi lại sau lỗi: {count}",
}

EN: dict[str, str] = {
    "status_retrying": "Waiting to be retried after an error: {count}",
}
