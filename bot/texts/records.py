"""Texts of records over time: corrections on the member card, re-imports that update,
two branches for one person, members told of their households."""

VI: dict[str, str] = {
    # --- correcting a member's record -------------------------------------------------------
    "rec_btn_edit": "✏️ Sửa hồ sơ",
    "rec_choose": "Sửa hồ sơ của đồng chí {name}: chọn mục cần sửa.",
    "rec_field_full_name": "Họ và tên",
    "rec_field_birth_date": "Ngày sinh",
    "rec_field_admitted_on": "Ngày vào Đảng",
    "rec_field_official_on": "Ngày chính thức",
    "rec_field_phone": "Điện thoại",
    "rec_field_joined_on": "Sinh hoạt tại chi bộ từ",
    "rec_ask": "{field} của đồng chí {name} hiện là: {current}.\nXin nhập giá trị mới (ngày theo dạng dd/mm/yyyy; gõ - để xóa), hoặc gõ /cancel để hủy.",
    "rec_done": "Đã sửa {field} của đồng chí {name}: {old} → {new}.",
    "rec_unchanged": "{field} của đồng chí {name} vẫn là {value}: không có gì thay đổi.",
    "rec_invalid": "{reason}. Không có gì thay đổi; xin nhập lại, hoặc gõ /cancel để hủy.",
    "rec_duplicate": "Chi bộ đã có đồng chí {name} cùng ngày sinh. Không có gì thay đổi.",
    "rec_card_joined": "Sinh hoạt tại chi bộ từ: {date}",
}

EN: dict[str, str] = {
    # --- correcting a member's record -------------------------------------------------------
    "rec_btn_edit": "✏️ Edit record",
    "rec_choose": "Edit the record of {name}: choose what to correct.",
    "rec_field_full_name": "Full name",
    "rec_field_birth_date": "Birth date",
    "rec_field_admitted_on": "Admission date",
    "rec_field_official_on": "Official date",
    "rec_field_phone": "Phone",
    "rec_field_joined_on": "In this branch since",
    "rec_ask": "{field} of {name} is now: {current}.\nPlease type the new value (dates as dd/mm/yyyy; type - to clear), or /cancel.",
    "rec_done": "{field} of {name} corrected: {old} → {new}.",
    "rec_unchanged": "{field} of {name} is still {value}: nothing changed.",
    "rec_invalid": "{reason}. Nothing changed; please type it again, or /cancel.",
    "rec_duplicate": "The branch already has {name} with the same birth date. Nothing changed.",
    "rec_card_joined": "In this branch since: {date}",
}
