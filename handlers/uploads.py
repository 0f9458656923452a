"""Every file or photo sent to the bot enters here and goes to the one feature it is
for, decided in this one place:

1. a file the person was asked for (a pending input answered by a file, such as a
   meeting's document) goes to the feature that asked, whatever its caption;
2. otherwise a file goes by the command of its caption: ``/import`` (and a caption
   naming no other feature, or none) is a spreadsheet import;
3. anything else (a photo nobody asked for) is not understood.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Message, Update

from bot.core import inputs
from bot.core.inputs import Pending
from handlers import imports, meetings
from handlers.base import Asker, asker
from handlers.common import not_understood
from handlers.context import ChiboContext

AnswerByFile = Callable[[Asker, Any, Message], Awaitable[None]]
FileHandler = Callable[[Update, ChiboContext], Awaitable[None]]

# 1. the pending inputs a file answers -> the feature's handler
FOR_PENDING: dict[type[Pending], AnswerByFile] = {
    meetings.MeetingDocument: meetings.attach_file,
}
# 2. the command of a file's caption -> the feature's handler
BY_CAPTION: dict[str, FileHandler] = {
    "/import": imports.on_document,
}
DEFAULT_CAPTION = "/import"  # a file with no caption, or one naming no other feature


def caption_command(caption: str | None) -> str:
    """``/import@chibo_bot members`` -> ``/import``; the default for anything else."""
    words = (caption or "").split()
    command = words[0].split("@", 1)[0].lower() if words else ""
    return command if command in BY_CAPTION else DEFAULT_CAPTION


async def on_file(update: Update, context: ChiboContext) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    waiting = await inputs.waiting(context.services, user.id)
    answer = FOR_PENDING.get(type(waiting)) if waiting is not None else None
    if answer is not None:
        await answer(await asker(update, context), waiting, message)
    elif message.document is not None:
        await BY_CAPTION[caption_command(message.caption)](update, context)
    else:
        await not_understood(update, context)
