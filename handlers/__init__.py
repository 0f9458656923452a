"""Telegram adapters: parse the update, call the domain, reply with a catalog text.

One module per feature; :func:`register` below wires them all. A handler checks nothing
itself: the domain function it calls (or ``bot.core.permissions`` for a prompt) refuses.
May import ``telegram`` and the domain packages; never ``storage`` (go through the
domain), ``bot.runtime``, ``bot.demo`` or ``emulator``. Only the runtime and the demo
import handlers.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import (
    admin,
    announcements,
    assign,
    attendance,
    common,
    dues,
    duties,
    flood,
    followers,
    guests,
    households,
    imports,
    inputs,
    meetings,
    members,
    presence,
    privacy,
    registration,
    reports,
    rsvp,
    units,
    uploads,
    zalo,
)
from handlers.base import Tap, Taps
from handlers.context import ChiboApp, ChiboContext
from handlers.errors import on_error

Callback = Callable[[Update, ChiboContext], Coroutine[Any, Any, None]]


def button(handler: Tap[Any] | Taps) -> CallbackQueryHandler[ChiboContext, None]:
    """A button handler, listening to its families' prefix."""
    return CallbackQueryHandler(handler, pattern=handler.pattern)


def register(app: ChiboApp) -> None:
    """Every handler of the bot, registered in one place.

    All feature handlers share group 0, where the first matching handler wins,
    so the fallbacks at the end answer only what nothing else took.
    """
    private = filters.ChatType.PRIVATE
    # Group -2: flood control, first of all; it stops the update when someone is too fast.
    app.add_handler(TypeHandler(Update, flood.gate), group=-2)
    # Group -1 runs before the features, for every update, and never answers.
    app.add_handler(TypeHandler(Update, presence.touch), group=-1)

    # Commands act on new messages only: an edited "/broadcast …" must not send it again.
    fresh = private & filters.UpdateType.MESSAGE

    def command(name: str, callback: Callback) -> CommandHandler[ChiboContext, None]:
        return CommandHandler(name, callback, filters=fresh)

    app.add_handlers(
        [
            command("start", registration.start),
            command("help", common.show_help),
            command("lang", common.set_language),
            command("cancel", inputs.cancel),
            command("me", members.me),
            command("zalo", zalo.zalo),
            command("invite", members.invite),
            command("members", members.list_members),
            command("units", units.list_units),
            command("newunit", units.new_unit),
            command("appoint", units.appoint_cmd),
            command("status", admin.status),
            command("meeting", meetings.new_meeting),
            command("thematic", meetings.new_thematic),
            command("meetings", meetings.list_meetings),
            command("schedule", meetings.schedule),
            command("skip", meetings.skip),
            command("attendance", attendance.attendance),
            command("guest", guests.guest_command),
            command("follow", followers.follow),
            command("report", reports.report),
            command("recordstart", reports.record_start),
            command("audit", privacy.audit),
            command("broadcast", announcements.broadcast_cmd),
            CommandHandler("linkgroup", announcements.linkgroup),
            command("import", imports.import_help),
            command("minutes", attendance.minutes),
            # Every file and photo, routed to its feature in one place (handlers/uploads.py).
            MessageHandler(private & (filters.Document.ALL | filters.PHOTO), uploads.on_file),
            button(registration.confirm),
            button(units.new_unit_button),
            button(units.appoint_button),
            button(members.TAPS),
            button(imports.on_button),
            button(rsvp.on_rsvp),
            button(meetings.TAPS),
            button(meetings.on_kind),
            button(meetings.on_past),
            button(attendance.TAPS),
            button(guests.on_meeting),
            button(guests.on_answer),
            button(followers.on_button),
            button(reports.ASKED_TAPS),
            button(dues.TAPS),
            button(privacy.on_button),
            button(reports.TURNED_TAPS),
            command("households", households.households_cmd),
            command("assign", assign.assign_cmd),
            command("duties", duties.my_duties),
            button(duties.TAPS),
            button(households.TAPS),
            button(assign.TAPS),
            # Fallbacks: keep last.
            MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, common.edited),
            MessageHandler(private & filters.COMMAND, common.unknown_command),
            MessageHandler(private & filters.TEXT & ~filters.COMMAND
                           & filters.UpdateType.MESSAGE, inputs.on_text),
            MessageHandler(private & ~filters.COMMAND & filters.UpdateType.MESSAGE,
                           common.not_understood),
            MessageHandler(filters.ChatType.GROUPS & filters.COMMAND
                           & filters.UpdateType.MESSAGE, common.group_command),
            CallbackQueryHandler(common.stale_button),
        ]
    )
    app.add_error_handler(on_error)
