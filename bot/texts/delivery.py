"""Texts of issue 21, the delivery half: a stuck queue, updates kept until handled."""

VI: dict[str, str] = {
    "status_stalled": "⚠️ Hàng đợi gửi tin đang bị tắc: {count} tin đã đến hạn (sớm nhất từ {since}) mà không gửi được tin nào; xem nhật ký (log) của bot để biết nguyên nhân.",
}

EN: dict[str, str] = {
    "status_stalled": "⚠️ The delivery queue is stuck: {count} messages are due (the oldest since {since}) and none could be sent; see the bot's log for the cause.",
}
