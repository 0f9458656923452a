"""English texts."""

MESSAGES: dict[str, str] = {
    # --- welcome and help -------------------------------------------------
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
        "/meeting [dd/mm/yyyy HH:MM | place | agenda] — create a regular meeting\n"
        "/thematic [dd/mm/yyyy HH:MM | place | topic] — create a thematic meeting\n"
        "/schedule [rule] — regular meeting rule, e.g. day 5 19:30 | Culture house\n"
        "/attendance — roll call after a meeting\n"
        "/households — households\n"
        "/assign — assign households to members\n"
        "/report — reports\n"
        "/broadcast <text> — announce to the whole branch\n"
        "/linkgroup — send in the branch's Telegram group to link it"
    ),
    "help_committee": (
        "For the committee:\n"
        "/report branches — report across branches\n"
        "/follow — assign committee members to follow branches"
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
    # --- language ----------------------------------------------------------
    "lang_set": "Switched to English.",
    "lang_usage": "Usage: /lang vi or /lang en",
    # --- errors ------------------------------------------------------------
    "error_internal": (
        "Sorry, something went wrong while handling that. Nothing of yours was changed; "
        "please try again in a few minutes."
    ),
    "unknown_command": "I don't know that command. Type /help to see the commands.",
    "not_understood": "I didn't understand that message. Type /help to see the commands.",
    "slow_down": "You are sending a little fast. Please wait a moment before the next one.",
    "private_only": "This command works only in a private chat with the bot.",
    "button_expired": "This button is no longer valid.",
    # --- command menu (setMyCommands) ---------------------------------------
    "cmd_start": "Start / join with an invite link",
    "cmd_help": "List of commands",
    "cmd_me": "My record",
    "cmd_meetings": "Upcoming meetings",
    "cmd_duties": "Households I follow",
    "cmd_lang": "Change language (vi/en)",
    "cmd_report": "Reports (officers)",
    # --- delivery ----------------------------------------------------------
    "alert_unreachable": "⚠️ Messages to {name} (branch {branch}) cannot be delivered since {since}: {why}. Please contact them directly.",
    "unreachable_blocked": "they blocked the bot; ask them to open the chat with the bot again",
    "unreachable_deactivated": "their Telegram account was deleted",
    "unreachable_not_started": "they never started a chat with the bot; ask them to open their invite link",
    "unreachable_chat_not_found": "their Telegram account cannot be found",
    # --- status ------------------------------------------------------------
    "status_header": "Delivery status",
    "status_queue": "Queue: pending {pending}, sending {sending}, sent {sent}, failed {failed}, skipped (stale) {skipped}",
    "status_24h": "Last 24 hours: sent {sent}, failed {failed}; possible duplicates (timed out) {duplicates}",
    "status_all_reachable": "Every member can be reached.",
    "status_unreachable": "Cannot be reached: {count}",
    "admins_only": "This command is for administrators only.",
}
