"""Texts of delivery: members who cannot be reached, and the delivery status (/status)."""

VI: dict[str, str] = {
    # --- delivery ---------------------------------------------------------------------
    "alert_unreachable": "⚠️ Không gửi được tin nhắn cho đồng chí {name} (chi bộ {branch}) từ {since}: {why}. Xin liên hệ trực tiếp với đồng chí ấy.",
    "unreachable_blocked": "đồng chí ấy đã chặn bot; xin nhắc mở lại cuộc trò chuyện với bot",
    "unreachable_deactivated": "tài khoản Telegram đã bị xóa",
    "unreachable_not_started": "đồng chí ấy chưa bắt đầu trò chuyện với bot; xin nhắc mở link mời",
    "unreachable_chat_not_found": "không tìm thấy tài khoản Telegram",
    # --- status -----------------------------------------------------------------------
    "status_header": "Tình trạng gửi tin",
    "status_queue": "Hàng đợi: chờ gửi {pending}, đang gửi {sending}, đã gửi {sent}, thất bại {failed}, bỏ qua (quá hạn) {skipped}",
    "status_24h": "24 giờ qua: đã gửi {sent}, thất bại {failed}; có thể trùng (hết thời gian chờ) {duplicates}",
    "status_all_reachable": "Mọi đảng viên đều liên lạc được.",
    "status_unreachable": "Không liên lạc được: {count} người",
    "status_retrying": "Chờ gửi lại sau lỗi: {count}",
    # --- a stuck queue ----------------------------------------------------------------
    "status_stalled": "⚠️ Hàng đợi gửi tin đang bị tắc: {count} tin đã đến hạn (sớm nhất từ {since}) mà không gửi được tin nào; xem nhật ký (log) của bot để biết nguyên nhân.",
}

EN: dict[str, str] = {
    # --- delivery ---------------------------------------------------------------------
    "alert_unreachable": "⚠️ Messages to {name} (branch {branch}) cannot be delivered since {since}: {why}. Please contact them directly.",
    "unreachable_blocked": "they blocked the bot; ask them to open the chat with the bot again",
    "unreachable_deactivated": "their Telegram account was deleted",
    "unreachable_not_started": "they never started a chat with the bot; ask them to open their invite link",
    "unreachable_chat_not_found": "their Telegram account cannot be found",
    # --- status -----------------------------------------------------------------------
    "status_header": "Delivery status",
    "status_queue": "Queue: pending {pending}, sending {sending}, sent {sent}, failed {failed}, skipped (stale) {skipped}",
    "status_24h": "Last 24 hours: sent {sent}, failed {failed}; possible duplicates (timed out) {duplicates}",
    "status_all_reachable": "Every member can be reached.",
    "status_unreachable": "Cannot be reached: {count}",
    "status_retrying": "Waiting to be retried after an error: {count}",
    # --- a stuck queue ----------------------------------------------------------------
    "status_stalled": "⚠️ The delivery queue is stuck: {count} messages are due (the oldest since {since}) and none could be sent; see the bot's log for the cause.",
}
