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
    # --- registration ----------------------------------------------------------
    "denied": "Sorry, you are not allowed to do that.",
    "officers_only": "This command is for branch officers (secretary, deputy, committee members).",
    "not_registered": "You have not joined a branch yet. Open the personal invite link your branch secretary sent you.",
    "not_found": "That item cannot be found (it may have been removed).",
    "name_invalid": "Invalid name: it needs letters and no control characters.",
    "name_too_long": "The name is too long (at most {limit} characters).",
    "role_invalid": "Invalid role.",
    "unit_not_found": "That unit cannot be found.",
    "unit_parent_needed": "A branch belongs to a committee: choose the committee above it (see /units).",
    "unit_kind_invalid": "The unit kind must be 'committee' or 'branch'.",
    "kind_committee": "Committee",
    "kind_branch": "Branch",
    "role_secretary": "Secretary",
    "role_deputy": "Deputy secretary",
    "role_committee_member": "Branch committee member",
    "role_member": "Member",
    "role_standing": "Standing committee officer",
    "invite_preview": "You are invited to join {unit} as: {name} ({role}).\n\nIf this is you, press Confirm.",
    "invite_confirm": "✅ Confirm",
    "invite_not_me": "This is not me",
    "invite_not_me_done": "Cancelled. If this link was not meant for you, please tell the branch secretary.",
    "invite_joined": "🎉 Welcome, {name}: you have joined {unit} ({role}). Type /help to see your commands.",
    "invite_used": "This invite link has already been used. Each link works once; ask your branch secretary for a new one.",
    "invite_expired": "This invite link has expired. Ask your branch secretary for a new one.",
    "invite_revoked": "This invite link was revoked. Ask your branch secretary for a new one.",
    "invite_unknown": "This invite link is not valid. Please check the link your branch secretary sent.",
    "account_bound_other": "This Telegram account is already linked to {name}. One person, one account; if this is a mistake, tell your branch secretary.",
    "invite_already_joined": "{name} has already joined on Telegram. For a new link (new account), open their card in /members.",
    "invite_ask_name": "Type the full name of the person to invite (e.g. Nguyễn Văn An):",
    "invite_link": "Personal invite link for {name} ({unit}, {role}), single use, expires {expires}:\n{link}\n\nSend this link privately to that person.",
    "input_cancelled": "Cancelled.",
    "units_empty": "There are no units yet. Create a committee with /newunit.",
    "units_header": "Units:",
    "units_line_committee": "🏛 {name} (id {id})",
    "units_line_branch": "    • {name} (id {id}) — {members} members",
    "newunit_ask_kind": "New unit: choose its kind.",
    "newunit_ask_parent": "Which committee does this branch belong to?",
    "newunit_no_committee": "There is no committee yet; create one first.",
    "newunit_ask_name": "Type the name of the new {kind}:",
    "newunit_usage": "Usage: /newunit committee | Committee name\nor: /newunit branch | Branch name | committee id",
    "newunit_done": 'Created {kind} "{name}" (id {id}). Use /appoint to invite its first secretary.',
    "appoint_ask_unit": "Invite the first officer of which unit?",
    "appoint_ask_name": "Type the full name of the secretary (or standing officer) of {unit}:",
    "appoint_usage": "Usage: /appoint unit id | Full name",
    "admins_only_units": "Only administrators can create units.",
    "me_unregistered": "You have not joined a branch yet. Open the personal invite link your branch secretary sent you.",
    "me_header": "Your record, {name}",
    "me_branch": "• {unit}: {role}{standing}",
    "me_admitted": "• Admitted to the Party: {date}",
    "me_official": "• Official member since: {date}",
    "me_probation": "• Probationary member; recognition as official due from {date}",
    "me_committee": "• {unit}: {role}",
    "me_follows": "• Follows branches: {units}",
    "me_phone": "• Phone: {phone}",
    "standing_away": "working away from home",
    "standing_exempt": "exempted from activities",
    "standing_213": "213 member",
    "members_header": "{unit}: {count} members (page {page}/{pages})",
    "members_line": "{n}. {name} — {role}{flags}",
    "members_flag_unbound": " · not on Telegram yet",
    "members_flag_unreachable": " · ⚠️ unreachable",
    "members_flag_probation": " · probationary",
    "members_empty": "{unit} has no members yet. Use /invite or send a file with /import.",
    "btn_prev": "« Previous",
    "btn_next": "Next »",
    "btn_back_list": "« List",
    "member_card": "{name}\nBranch: {unit}\nRole: {role}\nBirth date: {birth}\nAdmitted: {admitted}\nOfficial since: {official}\nPhone: {phone}\nStanding: {standing}\nTelegram: {bound}",
    "member_bound_yes": "joined",
    "member_bound_no": "not joined yet",
    "member_unreachable": "⚠️ unreachable since {since}",
    "member_standing_normal": "regular",
    "unknown_value": "—",
    "probationary": "probationary",
    "btn_official": "Recognise as official",
    "btn_flag_on": "✓ {flag}",
    "btn_flag_off": "{flag}",
    "btn_role": "Change role",
    "btn_move": "Move to another branch",
    "btn_new_link": "New invite link",
    "btn_revoke": "Revoke link",
    "btn_remove": "Remove from branch",
    "btn_erase": "Erase personal data",
    "btn_confirm_remove": "⚠️ Confirm removal",
    "btn_confirm_erase": "⚠️ Confirm erasing personal data",
    "btn_cancel": "Cancel",
    "official_ask_date": "Type the date {name} was recognised as official (dd/mm/yyyy):",
    "official_done": "Recorded: {name} is an official member since {date}.",
    "official_before_admission": "The official date must be after the admission date ({date}).",
    "date_invalid": "Invalid date: '{value}'. Type it as dd/mm/yyyy, e.g. 05/12/2026.",
    "date_in_future": "That date is in the future: {value}.",
    "flag_done": "Updated {name}'s standing: {standing}.",
    "role_choose": "Choose the new role of {name}:",
    "role_done": "{name}'s role is now: {role}.",
    "move_choose": "Move {name} to which branch (same committee)?",
    "move_none": "There is no other branch in the same committee.",
    "move_done": "Moved {name} to {unit}. Their history in {old} is kept.",
    "remove_confirm": "Remove {name} from {unit}? Their history is kept.",
    "remove_done": "Removed {name} from {unit}. History is kept.",
    "erase_confirm": "Erase {name}'s personal data? Birth date, phone, absence reasons and household notes are deleted and the Telegram account is unlinked. This cannot be undone.",
    "erase_done": "Erased {name}'s personal data.",
    "revoke_done": "Revoked {count} unused invite link(s) of {name}.",
    "last_secretary": "The only secretary's role cannot be removed; appoint another secretary first.",
    "import_need_file": "Send an .xlsx or .csv file with the caption /import.",
    "import_too_large": "The file is too large (at most {limit} MB).",
    "import_file_error": "The file cannot be read: {reason}",
    "import_kind_unsupported": "This file is a {kind} list; that kind cannot be imported here yet.",
    "import_duplicate_in_branch": "Line {line}: {name} is already in the branch (same name and birth date).",
    "import_progress": "Checking {name}…",
    "import_summary_clean": "The file is valid: {count} rows.",
    "import_summary_errors": "The file has {errors} bad rows and {valid} valid rows. Nothing was imported yet.",
    "import_errors_more": "… and {count} more errors.",
    "import_confirm_valid": "Import the {count} valid rows",
    "import_confirm_none": "There are no valid rows to import. Fix the file and send it again.",
    "import_cancelled": "Import cancelled. Nothing was changed.",
    "import_expired": "This import request is no longer valid; send the file again.",
    "import_working": "Importing {count} members…",
    "import_done": "Imported {imported} members; skipped {skipped} rows. The attached file holds each person's personal invite link: send each one privately.",
    "links_sheet": "Invite links",
    "links_col_name": "Full name",
    "links_col_link": "Personal invite link",
    "links_col_expires": "Expires",
    "links_filename": "invite-links-{unit}.xlsx",
    # --- parsing ---------------------------------------------------------------
    "time_invalid": "Invalid time: '{value}'. Type it as HH:MM (e.g. 19:30) or 19h30.",
}
