"""Vietnamese texts (the default language)."""

MESSAGES: dict[str, str] = {
    # --- welcome and help -------------------------------------------------
    "welcome": (
        "Xin chào {name}! Tôi là chibo, trợ lý sinh hoạt chi bộ.\n\n"
        "Tôi gửi giấy mời họp chi bộ hằng tháng và sinh hoạt chuyên đề, nhắc lịch, "
        "nhận trả lời tham dự hoặc vắng (có lý do) chỉ bằng một lần bấm, nhắc đồng chí "
        "theo dõi các hộ gia đình được phân công và tổng hợp báo cáo cho cấp ủy.\n\n"
        "Để tham gia, đồng chí hãy mở đường link mời cá nhân do bí thư chi bộ gửi. "
        "Gõ /help để xem các lệnh."
    ),
    "welcome_back": "Chào đồng chí {name}. Gõ /help để xem các lệnh của đồng chí.",
    "help_header": "Các lệnh đồng chí có thể dùng:",
    "help_everyone": (
        "/start — bắt đầu, hoặc tham gia bằng link mời\n"
        "/help — danh sách lệnh\n"
        "/me — thông tin của tôi\n"
        "/meetings — các cuộc họp sắp tới và trả lời của tôi\n"
        "/duties — các hộ gia đình tôi theo dõi\n"
        "/lang vi|en — đổi ngôn ngữ (Tiếng Việt / English)"
    ),
    "help_officer": (
        "Dành cho cấp ủy chi bộ:\n"
        "/invite [họ và tên] — tạo link mời cá nhân\n"
        "/import — gửi tệp .xlsx/.csv kèm chú thích /import để nhập danh sách\n"
        "/members — danh sách đảng viên\n"
        "/meeting [dd/mm/yyyy HH:MM | địa điểm | nội dung] — tạo cuộc họp thường kỳ\n"
        "/thematic [dd/mm/yyyy HH:MM | địa điểm | chuyên đề] — tạo buổi sinh hoạt chuyên đề\n"
        "/schedule [quy tắc] — lịch họp thường kỳ, ví dụ: ngày 5 19:30 | Nhà văn hóa\n"
        "/attendance — điểm danh sau cuộc họp\n"
        "/households — các hộ gia đình\n"
        "/assign — phân công theo dõi hộ\n"
        "/report — báo cáo\n"
        "/broadcast <nội dung> — gửi thông báo cho cả chi bộ\n"
        "/linkgroup — gửi trong nhóm Telegram của chi bộ để liên kết"
    ),
    "help_committee": (
        "Dành cho đảng ủy:\n"
        "/report branches — báo cáo các chi bộ\n"
        "/follow — phân công cấp ủy viên phụ trách chi bộ"
    ),
    "help_admin": (
        "Dành cho quản trị:\n"
        "/units — các đơn vị\n"
        "/newunit — tạo đảng ủy hoặc chi bộ\n"
        "/appoint — mời bí thư đầu tiên của một đơn vị\n"
        "/status — tình trạng hàng đợi tin nhắn"
    ),
    "help_unregistered": (
        "Đồng chí chưa tham gia chi bộ nào. Hãy mở link mời cá nhân do bí thư chi bộ gửi."
    ),
    # --- language ----------------------------------------------------------
    "lang_set": "Đã chuyển sang tiếng Việt.",
    "lang_usage": "Cách dùng: /lang vi hoặc /lang en",
    # --- errors ------------------------------------------------------------
    "error_internal": (
        "Xin lỗi, đã có lỗi khi xử lý yêu cầu. Dữ liệu của đồng chí không bị thay đổi; "
        "xin thử lại sau ít phút."
    ),
    "unknown_command": "Tôi không hiểu lệnh này. Gõ /help để xem các lệnh.",
    "not_understood": "Tôi chưa hiểu tin nhắn này. Gõ /help để xem các lệnh.",
    "slow_down": "Đồng chí gửi hơi nhanh. Xin chờ một chút rồi gửi tiếp.",
    "private_only": "Lệnh này chỉ dùng trong tin nhắn riêng với bot.",
    "button_expired": "Nút này không còn hiệu lực.",
    # --- command menu (setMyCommands) ---------------------------------------
    "cmd_start": "Bắt đầu / tham gia bằng link mời",
    "cmd_help": "Danh sách lệnh",
    "cmd_me": "Thông tin của tôi",
    "cmd_meetings": "Cuộc họp sắp tới",
    "cmd_duties": "Hộ gia đình tôi theo dõi",
    "cmd_lang": "Đổi ngôn ngữ (vi/en)",
    "cmd_report": "Báo cáo (cấp ủy)",
    # --- delivery ----------------------------------------------------------
    "alert_unreachable": "⚠️ Không gửi được tin nhắn cho đồng chí {name} (chi bộ {branch}) từ {since}: {why}. Xin liên hệ trực tiếp với đồng chí ấy.",
    "unreachable_blocked": "đồng chí ấy đã chặn bot; xin nhắc mở lại cuộc trò chuyện với bot",
    "unreachable_deactivated": "tài khoản Telegram đã bị xóa",
    "unreachable_not_started": "đồng chí ấy chưa bắt đầu trò chuyện với bot; xin nhắc mở link mời",
    "unreachable_chat_not_found": "không tìm thấy tài khoản Telegram",
    # --- status ------------------------------------------------------------
    "status_header": "Tình trạng gửi tin",
    "status_queue": "Hàng đợi: chờ gửi {pending}, đang gửi {sending}, đã gửi {sent}, thất bại {failed}, bỏ qua (quá hạn) {skipped}",
    "status_24h": "24 giờ qua: đã gửi {sent}, thất bại {failed}; có thể trùng (hết thời gian chờ) {duplicates}",
    "status_all_reachable": "Mọi đảng viên đều liên lạc được.",
    "status_unreachable": "Không liên lạc được: {count} người",
    "admins_only": "Lệnh này chỉ dành cho quản trị viên.",
}
