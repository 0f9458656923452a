"""Texts of issue 12 (robustness): delivery status, start-up, honest error replies."""

VI: dict[str, str] = {
    "month_invalid": "Tháng không hợp lệ: '{value}'. Hãy nhập theo dạng mm/yyyy, ví dụ 12/2026.",
    "import_how": "Để nhập danh sách, hãy gửi tệp Excel (.xlsx) hoặc CSV (.csv) kèm chú thích /import (gõ /import vào ô chú thích khi đính kèm tệp).",
    "error_after_commit": "Đã ghi nhận thay đổi của đồng chí, nhưng có lỗi khi hiển thị kết quả. Xin lỗi đồng chí; gõ lại lệnh để xem tình trạng mới nhất.",
    "status_retrying": "Chờ gửi lại sau lỗi: {count}",
    # --- start-up and the command line (one line for the operator's terminal) ------------
    "startup_token_rejected": "Telegram từ chối token ({status}): kiểm tra {env} (hoặc [telegram] token trong tệp cấu hình); lấy token mới từ @BotFather.",
    "cli_bot_api_error": "Không gọi được Bot API của Telegram ({error}); kiểm tra mạng và [telegram] base_url rồi thử lại.",
}

EN: dict[str, str] = {
    "month_invalid": "Invalid month: '{value}'. Type it as mm/yyyy, e.g. 12/2026.",
    "import_how": "To import a list, send an Excel (.xlsx) or CSV (.csv) file with the caption /import (type /import in the caption box when you attach the file).",
    "error_after_commit": "Your change was saved, but something went wrong showing the result. Sorry; send the command again to see the latest state.",
    "status_retrying": "Waiting to be retried after an error: {count}",
    # --- start-up and the command line (one line for the operator's terminal) ------------
    "startup_token_rejected": "Telegram rejected the bot token ({status}): check {env} (or [telegram] token in the config file); get a new token from @BotFather.",
    "cli_bot_api_error": "Could not reach Telegram's Bot API ({error}); check the network and [telegram] base_url, then try again.",
}
