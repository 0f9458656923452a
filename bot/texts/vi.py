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
    # --- registration ----------------------------------------------------------
    "denied": "Xin lỗi, đồng chí không có quyền thực hiện việc này.",
    "officers_only": "Lệnh này dành cho cấp ủy chi bộ (bí thư, phó bí thư, chi ủy viên).",
    "not_registered": "Đồng chí chưa tham gia chi bộ nào. Hãy mở link mời cá nhân do bí thư chi bộ gửi.",
    "not_found": "Không tìm thấy mục này (có thể đã bị xóa).",
    "name_invalid": "Họ tên không hợp lệ: cần có chữ cái, không chứa ký tự điều khiển.",
    "name_too_long": "Họ tên quá dài (tối đa {limit} ký tự).",
    "role_invalid": "Chức vụ không hợp lệ.",
    "unit_not_found": "Không tìm thấy đơn vị này.",
    "unit_parent_needed": "Chi bộ phải thuộc một đảng ủy: hãy chọn đảng ủy cấp trên (xem /units).",
    "unit_kind_invalid": "Loại đơn vị phải là 'đảng ủy' hoặc 'chi bộ'.",
    "kind_committee": "Đảng ủy",
    "kind_branch": "Chi bộ",
    "role_secretary": "Bí thư",
    "role_deputy": "Phó Bí thư",
    "role_committee_member": "Chi ủy viên",
    "role_member": "Đảng viên",
    "role_standing": "Thường trực Đảng ủy",
    "invite_preview": "Đồng chí được mời tham gia {unit} với tên: {name} ({role}).\n\nNếu đúng là đồng chí, hãy bấm Xác nhận.",
    "invite_confirm": "✅ Xác nhận",
    "invite_not_me": "Không phải tôi",
    "invite_not_me_done": "Đã hủy. Nếu link này không dành cho đồng chí, xin báo lại cho bí thư chi bộ.",
    "invite_joined": "🎉 Chào mừng đồng chí {name} đã tham gia {unit} ({role}). Gõ /help để xem các lệnh.",
    "invite_used": "Link mời này đã được sử dụng. Mỗi link chỉ dùng được một lần; xin liên hệ bí thư chi bộ để nhận link mới.",
    "invite_expired": "Link mời này đã hết hạn. Xin liên hệ bí thư chi bộ để nhận link mới.",
    "invite_revoked": "Link mời này đã bị thu hồi. Xin liên hệ bí thư chi bộ để nhận link mới.",
    "invite_unknown": "Link mời không hợp lệ. Xin kiểm tra lại đường link bí thư chi bộ đã gửi.",
    "account_bound_other": "Tài khoản Telegram này đã gắn với đồng chí {name}. Mỗi người chỉ dùng một tài khoản; nếu có nhầm lẫn, xin báo bí thư chi bộ.",
    "invite_already_joined": "Đồng chí {name} đã tham gia bằng Telegram rồi. Nếu cần link mới (đổi tài khoản), hãy mở thẻ đảng viên trong /members.",
    "invite_ask_name": "Nhập họ và tên người được mời (ví dụ: Nguyễn Văn An):",
    "invite_link": "Link mời cá nhân cho {name} ({unit}, {role}), dùng một lần, hết hạn {expires}:\n{link}\n\nHãy gửi riêng link này cho người được mời.",
    "input_cancelled": "Đã hủy.",
    "units_empty": "Chưa có đơn vị nào. Tạo đảng ủy bằng /newunit.",
    "units_header": "Các đơn vị:",
    "units_line_committee": "🏛 {name} (mã {id})",
    "units_line_branch": "    • {name} (mã {id}) — {members} đảng viên",
    "newunit_ask_kind": "Tạo đơn vị mới: chọn loại đơn vị.",
    "newunit_ask_parent": "Chi bộ này thuộc đảng ủy nào?",
    "newunit_no_committee": "Chưa có đảng ủy nào; hãy tạo đảng ủy trước.",
    "newunit_ask_name": "Nhập tên {kind} mới:",
    "newunit_usage": "Cách dùng: /newunit đảng ủy | Tên đảng ủy\nhoặc: /newunit chi bộ | Tên chi bộ | mã đảng ủy",
    "newunit_done": 'Đã tạo {kind} "{name}" (mã {id}). Dùng /appoint để mời bí thư đầu tiên.',
    "appoint_ask_unit": "Mời người phụ trách đầu tiên cho đơn vị nào?",
    "appoint_ask_name": "Nhập họ và tên bí thư (hoặc thường trực) của {unit}:",
    "appoint_usage": "Cách dùng: /appoint mã đơn vị | Họ và tên",
    "admins_only_units": "Chỉ quản trị viên mới tạo được đơn vị.",
    "me_unregistered": "Đồng chí chưa tham gia chi bộ nào. Hãy mở link mời cá nhân do bí thư chi bộ gửi.",
    "me_header": "Thông tin của đồng chí {name}",
    "me_branch": "• {unit}: {role}{standing}",
    "me_admitted": "• Ngày vào Đảng: {date}",
    "me_official": "• Ngày chính thức: {date}",
    "me_probation": "• Đảng viên dự bị, dự kiến xét chính thức từ {date}",
    "me_committee": "• {unit}: {role}",
    "me_follows": "• Phụ trách chi bộ: {units}",
    "me_phone": "• Điện thoại: {phone}",
    "standing_away": "đi làm ăn xa",
    "standing_exempt": "miễn sinh hoạt",
    "standing_213": "đảng viên 213",
    "members_header": "{unit}: {count} đảng viên (trang {page}/{pages})",
    "members_line": "{n}. {name} — {role}{flags}",
    "members_flag_unbound": " · chưa tham gia Telegram",
    "members_flag_unreachable": " · ⚠️ không liên lạc được",
    "members_flag_probation": " · dự bị",
    "members_empty": "{unit} chưa có đảng viên. Dùng /invite hoặc gửi tệp kèm /import.",
    "btn_prev": "« Trước",
    "btn_next": "Sau »",
    "btn_back_list": "« Danh sách",
    "member_card": "{name}\nChi bộ: {unit}\nChức vụ: {role}\nNgày sinh: {birth}\nNgày vào Đảng: {admitted}\nNgày chính thức: {official}\nĐiện thoại: {phone}\nTình trạng: {standing}\nTelegram: {bound}",
    "member_bound_yes": "đã tham gia",
    "member_bound_no": "chưa tham gia",
    "member_unreachable": "⚠️ không liên lạc được từ {since}",
    "member_standing_normal": "sinh hoạt bình thường",
    "unknown_value": "—",
    "probationary": "dự bị",
    "btn_official": "Công nhận chính thức",
    "btn_flag_on": "✓ {flag}",
    "btn_flag_off": "{flag}",
    "btn_role": "Đổi chức vụ",
    "btn_move": "Chuyển chi bộ",
    "btn_new_link": "Link mời mới",
    "btn_revoke": "Thu hồi link",
    "btn_remove": "Xóa khỏi chi bộ",
    "btn_erase": "Xóa dữ liệu cá nhân",
    "btn_confirm_remove": "⚠️ Xác nhận xóa khỏi chi bộ",
    "btn_confirm_erase": "⚠️ Xác nhận xóa dữ liệu cá nhân",
    "btn_cancel": "Hủy",
    "official_ask_date": "Nhập ngày công nhận chính thức của {name} (dd/mm/yyyy):",
    "official_done": "Đã ghi: {name} là đảng viên chính thức từ {date}.",
    "official_before_admission": "Ngày chính thức phải sau ngày vào Đảng ({date}).",
    "date_invalid": "Ngày không hợp lệ: '{value}'. Hãy nhập theo dạng dd/mm/yyyy, ví dụ 05/12/2026.",
    "date_in_future": "Ngày này còn ở tương lai: {value}.",
    "flag_done": "Đã cập nhật tình trạng của {name}: {standing}.",
    "role_choose": "Chọn chức vụ mới cho {name}:",
    "role_done": "Đã đổi chức vụ của {name}: {role}.",
    "move_choose": "Chuyển {name} sang chi bộ nào (cùng đảng ủy)?",
    "move_none": "Không có chi bộ nào khác trong cùng đảng ủy.",
    "move_done": "Đã chuyển {name} sang {unit}. Lịch sử sinh hoạt ở {old} vẫn được giữ.",
    "remove_confirm": "Xóa {name} khỏi {unit}? Lịch sử sinh hoạt vẫn được giữ.",
    "remove_done": "Đã xóa {name} khỏi {unit}. Lịch sử vẫn được giữ.",
    "erase_confirm": "Xóa dữ liệu cá nhân của {name}? Ngày sinh, số điện thoại, lý do vắng, ghi chú hộ gia đình bị xóa và tài khoản Telegram bị gỡ. Không thể hoàn tác.",
    "erase_done": "Đã xóa dữ liệu cá nhân của {name}.",
    "revoke_done": "Đã thu hồi {count} link mời chưa dùng của {name}.",
    "last_secretary": "Không thể bỏ chức vụ của bí thư duy nhất; hãy chỉ định bí thư khác trước.",
    "import_need_file": "Hãy gửi tệp .xlsx hoặc .csv, kèm chú thích /import.",
    "import_too_large": "Tệp quá lớn (tối đa {limit} MB).",
    "import_file_error": "Không đọc được tệp: {reason}",
    "import_kind_unsupported": "Tệp này là danh sách {kind}; loại này chưa nhập được ở đây.",
    "import_duplicate_in_branch": "Dòng {line}: {name} đã có trong chi bộ (trùng họ tên và ngày sinh).",
    "import_progress": "Đang kiểm tra tệp {name}…",
    "import_summary_clean": "Tệp hợp lệ: {count} dòng.",
    "import_summary_errors": "Tệp có {errors} dòng lỗi, {valid} dòng hợp lệ. Chưa nhập gì.",
    "import_errors_more": "… và {count} lỗi khác.",
    "import_confirm_valid": "Nhập {count} dòng hợp lệ",
    "import_confirm_none": "Không có dòng hợp lệ nào để nhập. Hãy sửa tệp rồi gửi lại.",
    "import_cancelled": "Đã hủy nhập tệp. Không có gì thay đổi.",
    "import_expired": "Yêu cầu nhập này không còn hiệu lực; hãy gửi lại tệp.",
    "import_working": "Đang nhập {count} đảng viên…",
    "import_done": "Đã nhập {imported} đảng viên; bỏ qua {skipped} dòng. Tệp đính kèm có link mời cá nhân của từng người: hãy gửi riêng cho từng đồng chí.",
    "links_sheet": "Link mời",
    "links_col_name": "Họ và tên",
    "links_col_link": "Link mời cá nhân",
    "links_col_expires": "Hết hạn",
    "links_filename": "link-moi-{unit}.xlsx",
    # --- parsing ---------------------------------------------------------------
    "time_invalid": "Giờ không hợp lệ: '{value}'. Hãy nhập theo dạng HH:MM (ví dụ 19:30) hoặc 19h30.",
}
