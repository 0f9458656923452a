"""The Transport over python-telegram-bot: maps Telegram errors onto the policy."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ExtBot

from bot.runtime.delivery.errors import (
    MaybeSent,
    NotSent,
    RateLimited,
    Rejected,
    Transient,
    Unreachable,
)
from bot.runtime.delivery.reply_limiter import seconds
from storage.outbox import OutgoingMessage

_UNREACHABLE = {
    "bot was blocked by the user": "blocked",
    "user is deactivated": "deactivated",
    "bot can't initiate conversation": "not_started",
    "chat not found": "chat_not_found",
    "bot was kicked": "blocked",
    "bot is not a member": "blocked",
}


def keyboard(message: OutgoingMessage) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.data, url=b.url) for b in row]
         for row in message.buttons]
    )


def _unreachable_reason(description: str) -> str | None:
    lowered = description.lower()
    for needle, reason in _UNREACHABLE.items():
        if needle in lowered:
            return reason
    return None


def rejected_status(err: InvalidToken) -> int:
    """401 or 404 for a rejected token. PTB's ``Bot.initialize`` re-raises the server's
    answer as a new ``InvalidToken`` whose message holds the token: read the cause."""
    cause = err.__cause__ if isinstance(err.__cause__, InvalidToken) else err
    return 404 if "not found" in cause.message.lower() else 401


class TelegramTransport:
    def __init__(self, bot: ExtBot[Any]) -> None:
        self._bot = bot
        # The sender paces its own sends: tell the replies' rate limiter to stand aside.
        self._bypass: dict[str, Any] = (
            {"rate_limit_args": {"outbox": True}} if bot.rate_limiter is not None else {}
        )

    async def send(self, chat_id: int, message: OutgoingMessage, *, row_id: int = 0) -> int:
        """One Telegram message per row (``row_id`` is not needed)."""
        try:
            if message.file_id is not None and message.media == "photo":
                sent = await self._bot.send_photo(
                    chat_id, message.file_id, caption=message.text[:1024] or None,
                    reply_markup=keyboard(message), **self._bypass)
            elif message.file_id is not None:
                sent = await self._bot.send_document(
                    chat_id, message.file_id, caption=message.text[:1024] or None,
                    reply_markup=keyboard(message), **self._bypass)
            else:
                sent = await self._bot.send_message(
                    chat_id, message.text, reply_markup=keyboard(message), **self._bypass
                )
        except RetryAfter as err:
            raise RateLimited(seconds(err.retry_after), err.message) from None
        except TimedOut as err:
            if "pool timeout" in err.message.lower():
                raise NotSent(err.message) from None
            raise MaybeSent(err.message or "read timeout") from None
        except (Forbidden, BadRequest) as err:
            reason = _unreachable_reason(err.message)
            if reason is not None:
                raise Unreachable(reason, err.message) from None
            if isinstance(err, Forbidden):
                raise Unreachable("blocked", err.message) from None
            raise Rejected(err.message) from None
        except NetworkError as err:
            raise Transient(err.message) from None
        except TelegramError as err:
            raise Transient(err.message) from None
        return sent.message_id
