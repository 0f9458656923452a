"""Texts of issue 23 (operator grade): start-up, the command line, audit descriptions."""

VI: dict[str, str] = {
    # --- start-up (one line for the operator's terminal) -------------------------------
    "startup_deadline": "Bot chưa khởi động được sau {seconds} giây ({reason}); kiểm tra mạng, proxy và [telegram] base_url rồi chạy lại (thời hạn: [telegram] startup_deadline_seconds).",
    "startup_get_me_odd": "Bot API trả lời getMe không đúng chuẩn ({error}); kiểm tra [telegram] base_url có trỏ tới Bot API của Telegram không.",
    "cli_database_not_writable": "Không ghi được vào cơ sở dữ liệu ({error}); người chạy bot phải ghi được tệp cơ sở dữ liệu và thư mục chứa nó ([database] path).",
}

EN: dict[str, str] = {
    # --- start-up (one line for the operator's terminal) -------------------------------
    "startup_deadline": "The bot could not start within {seconds} seconds ({reason}); check the network, the proxy and [telegram] base_url, then run it again (limit: [telegram] startup_deadline_seconds).",
    "startup_get_me_odd": "The Bot API answered getMe with something that is not a bot ({error}); check that [telegram] base_url points at Telegram's Bot API.",
    "cli_database_not_writable": "Cannot write to the database ({error}); the user running the bot must be able to write the database file and its folder ([database] path).",
}
