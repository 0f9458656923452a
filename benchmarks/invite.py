"""The invitation every benchmark sends: the bot and the yardstick send the same bytes.

Kept apart from ``common`` so the yardstick process imports nothing of the bot.
"""

INVITE_TEXT = (
    "📣 Chi bộ 3 họp thường kỳ tháng 12\n"
    "🕗 19:30 thứ Sáu 05/12/2026 · 📍 Hội trường khu phố 3\n"
    "Nội dung: kiểm điểm công tác tháng, triển khai nhiệm vụ tháng tới.\n"
    "Đồng chí vui lòng xác nhận tham dự."
)
INVITE_BUTTONS = (("✅ Có mặt", "inv:1:attend"), ("❌ Vắng", "inv:1:absent"))
