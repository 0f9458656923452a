"""Texts every feature shares: welcome and help, language, errors, the command menu,
short replies (not allowed, not found, invalid date) and the paging buttons."""

VI: dict[str, str] = {
    # --- welcome and help -------------------------------------------------------------
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
        "/meeting [loại] [dd/mm/yyyy HH:MM | địa điểm | nội dung] — tạo cuộc họp; loại: thường kỳ (mặc định), chuyên đề, kết hợp, bất thường; một ngày đã qua (từ ngày bắt đầu ghi nhận) là nhập cuộc họp đã diễn ra\n"
        "/thematic [dd/mm/yyyy HH:MM | địa điểm | chuyên đề] — tạo buổi sinh hoạt chuyên đề\n"
        "/schedule [quy tắc] — lịch họp thường kỳ, ví dụ: ngày 5 19:30 | Nhà văn hóa\n"
        "/attendance — điểm danh sau cuộc họp; thêm người dự không có giấy mời; sửa điểm danh đã chốt (ghi lý do)\n"
        "/guest [họ tên | tư cách] — mời khách (không phải đảng viên của chi bộ) dự một cuộc họp, kèm link khách mời\n"
        "/minutes [dd/mm/yyyy] — biên bản sinh hoạt chi bộ (.docx) của cuộc họp đã chốt điểm danh\n"
        "/households — các hộ gia đình\n"
        "/assign — phân công theo dõi hộ\n"
        "/report — báo cáo (buổi họp chưa chốt điểm danh là chưa xác nhận, không tính là đã họp)\n"
        "/recordstart [dd/mm/yyyy] — ngày chi bộ bắt đầu ghi nhận số liệu\n"
        "/broadcast <nội dung> — gửi thông báo cho cả chi bộ\n"
        "/linkgroup — gửi trong nhóm Telegram của chi bộ để liên kết"
    ),
    "help_committee": (
        "Dành cho đảng ủy:\n"
        "/report branches — báo cáo các chi bộ\n"
        "/follow — phân công cấp ủy viên phụ trách chi bộ\n"
        "/audit — nhật ký truy cập (ai đã xem, xuất, thay đổi gì)"
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
    # --- language ---------------------------------------------------------------------
    "lang_set": "Đã chuyển sang tiếng Việt.",
    "lang_usage": "Cách dùng: /lang vi hoặc /lang en",
    # --- errors -----------------------------------------------------------------------
    "error_internal": (
        "Xin lỗi, đã có lỗi khi xử lý yêu cầu. Dữ liệu của đồng chí không bị thay đổi; "
        "xin thử lại sau ít phút."
    ),
    "unknown_command": "Tôi không hiểu lệnh này. Gõ /help để xem các lệnh.",
    "not_understood": "Tôi chưa hiểu tin nhắn này. Gõ /help để xem các lệnh.",
    "edited_ignored": "Tôi không làm theo tin nhắn đã sửa. Xin đồng chí gửi lại thành tin nhắn mới.",
    "slow_down": "Đồng chí gửi hơi nhanh. Xin chờ một chút rồi gửi tiếp.",
    "private_only": "Lệnh này chỉ dùng trong tin nhắn riêng với bot.",
    "button_expired": "Nút này không còn hiệu lực.",
    # --- command menu (setMyCommands) -------------------------------------------------
    "cmd_start": "Bắt đầu / tham gia bằng link mời",
    "cmd_help": "Danh sách lệnh",
    "cmd_me": "Thông tin của tôi",
    "cmd_meetings": "Cuộc họp sắp tới",
    "cmd_duties": "Hộ gia đình tôi theo dõi",
    "cmd_lang": "Đổi ngôn ngữ (vi/en)",
    "cmd_report": "Báo cáo (cấp ủy)",
    # --- shared replies ---------------------------------------------------------------
    "admins_only": "Lệnh này chỉ dành cho quản trị viên.",
    "denied": "Xin lỗi, đồng chí không có quyền thực hiện việc này.",
    "officers_only": "Lệnh này dành cho cấp ủy chi bộ (bí thư, phó bí thư, chi ủy viên).",
    "not_registered": "Đồng chí chưa tham gia chi bộ nào. Hãy mở link mời cá nhân do bí thư chi bộ gửi.",
    "not_found": "Không tìm thấy mục này (có thể đã bị xóa).",
    "input_cancelled": "Đã hủy.",
    "input_start_again": "Bot vừa được cập nhật nên không còn nhớ câu hỏi trước. Đồng chí vui lòng bắt đầu lại thao tác (gõ lại lệnh hoặc bấm lại nút).",
    "btn_prev": "« Trước",
    "btn_next": "Sau »",
    "unknown_value": "—",
    "btn_cancel": "Hủy",
    "date_invalid": "Ngày không hợp lệ: '{value}'. Hãy nhập theo dạng dd/mm/yyyy, ví dụ 05/12/2026.",
    "date_in_future": "Ngày này còn ở tương lai: {value}.",
    "text_too_long": "Nội dung quá dài (tối đa {limit} ký tự).",
    "weekday_0": "thứ Hai",
    "weekday_1": "thứ Ba",
    "weekday_2": "thứ Tư",
    "weekday_3": "thứ Năm",
    "weekday_4": "thứ Sáu",
    "weekday_5": "thứ Bảy",
    "weekday_6": "Chủ nhật",
    "month_invalid": "Tháng không hợp lệ: '{value}'. Hãy nhập theo dạng mm/yyyy, ví dụ 12/2026.",
    "error_after_commit": "Đã ghi nhận thay đổi của đồng chí, nhưng có lỗi khi hiển thị kết quả. Xin lỗi đồng chí; gõ lại lệnh để xem tình trạng mới nhất.",
    # --- parsing ----------------------------------------------------------------------
    "time_invalid": "Giờ không hợp lệ: '{value}'. Hãy nhập theo dạng HH:MM (ví dụ 19:30) hoặc 19h30.",
}

EN: dict[str, str] = {
    # --- welcome and help -------------------------------------------------------------
    "welcome": (
        "Hello {name}! I am chibo, the Party branch assistant.\n\n"
        "I send the invitations to the monthly branch meeting and the thematic meetings, "
        "remind you of them, take your answer (attend, or absent with a reason) with one tap, "
        "remind you of the households you follow and put together the reports for the "
        "committee.\n\n"
        "To join, open the personal invite link your branch secretary sent you. "
        "Type /help to see the commands."
    ),
    "welcome_back": "Hello {name}. Type /help to see your commands.",
    "help_header": "Commands you can use:",
    "help_everyone": (
        "/start — start, or join with an invite link\n"
        "/help — this list\n"
        "/me — my record\n"
        "/meetings — upcoming meetings and my answers\n"
        "/duties — the households I follow\n"
        "/lang vi|en — change language (Tiếng Việt / English)"
    ),
    "help_officer": (
        "For branch officers:\n"
        "/invite [full name] — create a personal invite link\n"
        "/import — send an .xlsx/.csv file with the caption /import to import a list\n"
        "/members — the branch's members\n"
        "/meeting [kind] [dd/mm/yyyy HH:MM | place | agenda] — create a meeting; kind: regular (default), thematic, combined, extraordinary; a past date (from the record start) enters a meeting that took place\n"
        "/thematic [dd/mm/yyyy HH:MM | place | topic] — create a thematic meeting\n"
        "/schedule [rule] — regular meeting rule, e.g. day 5 19:30 | Culture house\n"
        "/attendance — roll call after a meeting; add someone who came uninvited; correct a closed roll call (with a reason)\n"
        "/guest [full name | who] — invite a guest (not a member of the branch) to one meeting, with a guest link\n"
        "/minutes [dd/mm/yyyy] — the printable minutes (.docx) of a meeting whose roll call is closed\n"
        "/households — households\n"
        "/assign — assign households to members\n"
        "/report — reports (a meeting whose roll call was never closed is not confirmed, never counted as held)\n"
        "/recordstart [dd/mm/yyyy] — the day the branch's record starts\n"
        "/broadcast <text> — announce to the whole branch\n"
        "/linkgroup — send in the branch's Telegram group to link it"
    ),
    "help_committee": (
        "For the committee:\n"
        "/report branches — report across branches\n"
        "/follow — assign committee members to follow branches\n"
        "/audit — audit log (who read, exported, changed what)"
    ),
    "help_admin": (
        "For administrators:\n"
        "/units — units\n"
        "/newunit — create a committee or a branch\n"
        "/appoint — invite a unit's first secretary\n"
        "/status — message queue status"
    ),
    "help_unregistered": (
        "You have not joined a branch yet. Open the personal invite link your branch "
        "secretary sent you."
    ),
    # --- language ---------------------------------------------------------------------
    "lang_set": "Switched to English.",
    "lang_usage": "Usage: /lang vi or /lang en",
    # --- errors -----------------------------------------------------------------------
    "error_internal": (
        "Sorry, something went wrong while handling that. Nothing of yours was changed; "
        "please try again in a few minutes."
    ),
    "unknown_command": "I don't know that command. Type /help to see the commands.",
    "not_understood": "I didn't understand that message. Type /help to see the commands.",
    "edited_ignored": "I don't act on edited messages. Please send it again as a new message.",
    "slow_down": "You are sending a little fast. Please wait a moment before the next one.",
    "private_only": "This command works only in a private chat with the bot.",
    "button_expired": "This button is no longer valid.",
    # --- command menu (setMyCommands) -------------------------------------------------
    "cmd_start": "Start / join with an invite link",
    "cmd_help": "List of commands",
    "cmd_me": "My record",
    "cmd_meetings": "Upcoming meetings",
    "cmd_duties": "Households I follow",
    "cmd_lang": "Change language (vi/en)",
    "cmd_report": "Reports (officers)",
    # --- shared replies ---------------------------------------------------------------
    "admins_only": "This command is for administrators only.",
    "denied": "Sorry, you are not allowed to do that.",
    "officers_only": "This command is for branch officers (secretary, deputy, committee members).",
    "not_registered": "You have not joined a branch yet. Open the personal invite link your branch secretary sent you.",
    "not_found": "That item cannot be found (it may have been removed).",
    "input_cancelled": "Cancelled.",
    "input_start_again": "The bot was updated and no longer remembers what it asked. Please start again (type the command or tap the button again).",
    "btn_prev": "« Previous",
    "btn_next": "Next »",
    "unknown_value": "—",
    "btn_cancel": "Cancel",
    "date_invalid": "Invalid date: '{value}'. Type it as dd/mm/yyyy, e.g. 05/12/2026.",
    "date_in_future": "That date is in the future: {value}.",
    "text_too_long": "The text is too long (at most {limit} characters).",
    "weekday_0": "Monday",
    "weekday_1": "Tuesday",
    "weekday_2": "Wednesday",
    "weekday_3": "Thursday",
    "weekday_4": "Friday",
    "weekday_5": "Saturday",
    "weekday_6": "Sunday",
    "month_invalid": "Invalid month: '{value}'. Type it as mm/yyyy, e.g. 12/2026.",
    "error_after_commit": "Your change was saved, but something went wrong showing the result. Sorry; send the command again to see the latest state.",
    # --- parsing ----------------------------------------------------------------------
    "time_invalid": "Invalid time: '{value}'. Type it as HH:MM (e.g. 19:30) or 19h30.",
}
