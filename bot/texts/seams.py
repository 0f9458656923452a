"""Texts of the typed pending inputs: the answer when what was asked was stored by an
older version of the bot."""

VI: dict[str, str] = {
    "input_start_again": "Bot vừa được cập nhật nên không còn nhớ câu hỏi trước. Đồng chí vui lòng bắt đầu lại thao tác (gõ lại lệnh hoặc bấm lại nút).",
}

EN: dict[str, str] = {
    "input_start_again": "The bot was updated and no longer remembers what it asked. Please start again (type the command or tap the button again).",
}
