"""Telegram adapters: parse the update, call the domain, reply with a catalog text."""

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

from bot.core.callbacks import pattern
from bot.meetings.jobs import MEETING
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
)
from handlers.context import ChiboApp, ChiboContext
from handlers.errors import on_error

Callback = Callable[[Update, ChiboContext], Coroutine[Any, Any, None]]


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
            command("follow", followers.follow),
            command("report", reports.report),
            command("recordstart", reports.record_start),
            command("audit", privacy.audit),
            command("broadcast", announcements.broadcast_cmd),
            CommandHandler("linkgroup", announcements.linkgroup),
            MessageHandler(private & filters.Document.ALL, imports.on_document),
            CallbackQueryHandler(registration.confirm, pattern=pattern(registration.JOIN)),
            CallbackQueryHandler(units.new_unit_button, pattern=pattern(units.NEW)),
            CallbackQueryHandler(units.appoint_button, pattern=pattern(units.APPOINT)),
            CallbackQueryHandler(members.on_button, pattern=pattern(members.MEM)),
            CallbackQueryHandler(imports.on_button, pattern=pattern(imports.IMP)),
            CallbackQueryHandler(rsvp.on_rsvp, pattern=pattern(rsvp.RSVP)),
            CallbackQueryHandler(meetings.on_button, pattern=pattern(MEETING)),
            CallbackQueryHandler(attendance.on_button, pattern=pattern(attendance.ROLL)),
            CallbackQueryHandler(followers.on_button, pattern=pattern(followers.FOLLOW)),
            CallbackQueryHandler(reports.on_button, pattern=pattern(reports.REP)),
            CallbackQueryHandler(dues.on_button, pattern=pattern(dues.DUES)),
            CallbackQueryHandler(privacy.on_button, pattern=pattern(privacy.PRIVACY)),
            CallbackQueryHandler(reports.on_button, pattern=pattern(reports.PAGE)),
            command("households", households.households_cmd),
            command("assign", assign.assign_cmd),
            command("duties", duties.my_duties),
            CallbackQueryHandler(duties.on_button, pattern=pattern(duties.DUTY)),
            CallbackQueryHandler(households.on_button, pattern=pattern(households.HH)),
            CallbackQueryHandler(assign.on_button, pattern=pattern(assign.ASG)),
            # Fallbacks: keep last.
            MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, common.edited),
            MessageHandler(private & filters.COMMAND, common.unknown_command),
            MessageHandler(private & filters.TEXT & ~filters.COMMAND
                           & filters.UpdateType.MESSAGE, inputs.on_text),
            MessageHandler(private & ~filters.COMMAND & filters.UpdateType.MESSAGE,
                           common.not_understood),
            CallbackQueryHandler(common.stale_button),
        ]
    )
    app.add_error_handler(on_error)
