"""Texts of the life of a branch as it really goes (issue 20): the roll call confirmed,
corrected and completed, late joiners and transfers, guests, and past meetings entered
after the fact."""

VI: dict[str, str] = {
    # --- the roll call: confirm, correct, add ---------------------------------------------------
    "rollcall_btn_correct": "✏️ Sửa điểm danh",
    "rollcall_confirm_close": "Còn {count} đồng chí chưa được ghi có mặt hay vắng có lý do; nếu chốt bây giờ sẽ ghi là vắng không có lý do:\n{names}\nChốt điểm danh?",
    "rollcall_btn_close_yes": "✅ Vẫn chốt",
    "rollcall_more": "  … và {count} đồng chí khác",
    "rollcall_btn_back": "↩️ Quay lại điểm danh",
    "rollcall_btn_add": "➕ Thêm người dự",
    "rollcall_ask_add": "Họ tên người đến dự mà không có giấy mời? Đảng viên của chi bộ được ghi có mặt; người khác được ghi là khách mời.",
    "rollcall_added_member": "Đã thêm đồng chí {name} vào điểm danh: có mặt.",
    "rollcall_added_guest": "Đã ghi {name} là khách mời có dự họp (không tính vào số liệu đảng viên).",
    "rollcall_already_listed": "Đồng chí {name} đã có trong danh sách điểm danh.",
    "rollcall_not_member_then": "Đồng chí {name} chưa sinh hoạt ở chi bộ vào ngày họp, không thêm vào điểm danh được.",
    "rollcall_ask_correction": "Lý do sửa điểm danh đã chốt? Ví dụ: đồng chí Cường đã gọi điện báo ốm. Mỗi thay đổi được ghi lại cùng lý do này.",
    "rollcall_reopened": "Đã mở lại điểm danh để sửa. Bấm tên để đổi, rồi bấm 📝 Chốt điểm danh.",
    "rollcall_correcting": "✏️ Đang sửa điểm danh đã chốt — lý do: {reason}",
    "correction_not_closed": "Cuộc họp này chưa chốt điểm danh. Hãy điểm danh bằng /attendance.",
    "correction_reason_needed": "Xin ghi lý do sửa điểm danh.",
    # --- guests ---------------------------------------------------------------------------
    "guest_name_needed": "Xin ghi họ tên khách mời.",
    "rollcall_guest": "👤",
    "rollcall_guest_absent": "➖",
    "minutes_guests": "Khách mời dự: {names}.",
    "minutes_guests_absent": "Khách mời không dự: {names}.",
}

EN: dict[str, str] = {
    "rollcall_btn_correct": "✏️ Correct the roll call",
    "rollcall_confirm_close": "{count} people are still marked neither present nor excused; closing now records them as absent without a reason:\n{names}\nClose the roll call?",
    "rollcall_btn_close_yes": "✅ Close anyway",
    "rollcall_more": "  … and {count} more",
    "rollcall_btn_back": "↩️ Back to the roll call",
    "rollcall_btn_add": "➕ Add someone who came",
    "rollcall_ask_add": "Full name of the person who came without an invitation? A member of the branch is marked present; anyone else is recorded as a guest.",
    "rollcall_added_member": "{name} added to the roll call: present.",
    "rollcall_added_guest": "{name} recorded as a guest who attended (not counted in party figures).",
    "rollcall_already_listed": "{name} is already on the roll call.",
    "rollcall_not_member_then": "{name} was not yet a member of the branch on the day of the meeting and cannot be added.",
    "rollcall_ask_correction": "Why is the closed roll call being corrected? For example: Cường had phoned in sick. Every change is recorded with this reason.",
    "rollcall_reopened": "The roll call is open again for a correction. Tap a name to change it, then tap 📝 Close the roll call.",
    "rollcall_correcting": "✏️ Correcting a closed roll call — reason: {reason}",
    "correction_not_closed": "This meeting's roll call is not closed yet. Take it with /attendance.",
    "correction_reason_needed": "Please give the reason for the correction.",
    "guest_name_needed": "Please give the guest's full name.",
    "rollcall_guest": "👤",
    "rollcall_guest_absent": "➖",
    "minutes_guests": "Guests present: {names}.",
    "minutes_guests_absent": "Guests who did not attend: {names}.",
}
