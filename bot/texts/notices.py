"""Texts of announcements: /broadcast and linking the branch's Telegram group."""

VI: dict[str, str] = {
    # --- announcements and the branch group -------------------------------------------
    "linkgroup_done": "Đã liên kết nhóm này với {unit}. Thông báo chung (không có dữ liệu cá nhân) sẽ được gửi vào đây.",
    "linkgroup_in_group": "Hãy gửi /linkgroup trong nhóm Telegram của chi bộ (không phải tin nhắn riêng).",
    "broadcast_usage": "Cách dùng: /broadcast <nội dung thông báo>",
    "broadcast_header": "📢 Thông báo của {unit}:",
    "broadcast_queued": "Đang gửi thông báo đến {count} đồng chí. Khi gửi xong tôi sẽ báo kết quả.",
    "broadcast_report": "Đã gửi thông báo {sent}/{total}.",
    "broadcast_unreachable": "{count} người chưa liên lạc được: {names}.",
}

EN: dict[str, str] = {
    # --- announcements and the branch group -------------------------------------------
    "linkgroup_done": "This group is now linked to {unit}. General announcements (no personal data) will be posted here.",
    "linkgroup_in_group": "Send /linkgroup inside the branch's Telegram group (not in a private chat).",
    "broadcast_usage": "Usage: /broadcast <announcement text>",
    "broadcast_header": "📢 Announcement from {unit}:",
    "broadcast_queued": "Sending the announcement to {count} people. I will report when it is done.",
    "broadcast_report": "Announcement sent to {sent}/{total}.",
    "broadcast_unreachable": "{count} cannot be reached yet: {names}.",
}
