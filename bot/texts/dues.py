"""Texts of party dues: the dues card and the dues import."""

VI: dict[str, str] = {
    # --- dues -------------------------------------------------------------------------
    "dues_card": "💰 Đảng phí năm {year} — {name}\nĐã đóng {paid} tháng. Chưa đóng: {unpaid}\nBấm một tháng để đánh dấu đã đóng / chưa đóng.",
    "dues_month_invalid": "Tháng này không hợp lệ.",
    "btn_dues": "💰 Đảng phí",
    "btn_back_card": "« Thẻ đảng viên",
    "me_dues": "• Đảng phí năm {year}: đã đóng {paid} tháng; chưa ghi nhận: {unpaid}",
    "dimp_working": "Đang ghi nhận {count} dòng đảng phí…",
    "dimp_done": "Đã ghi nhận đảng phí: {count} dòng; bỏ qua {skipped} dòng.",
}

EN: dict[str, str] = {
    # --- dues -------------------------------------------------------------------------
    "dues_card": "💰 Party dues {year} — {name}\nPaid {paid} months. Not paid: {unpaid}\nTap a month to mark it paid / not paid.",
    "dues_month_invalid": "That month is not valid.",
    "btn_dues": "💰 Party dues",
    "btn_back_card": "« Member card",
    "me_dues": "• Party dues {year}: paid {paid} months; not recorded: {unpaid}",
    "dimp_working": "Recording {count:plural:dues row:dues rows}…",
    "dimp_done": "Dues recorded: {count:plural:row:rows}; lines left out: {skipped}.",
}
