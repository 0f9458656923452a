"""Telegram Mini App init data, validated exactly as Telegram specifies.

https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app :
every field but ``hash``, as ``key=value`` lines sorted by key and joined with ``\\n``,
signed with HMAC-SHA256 under the key HMAC-SHA256(key="WebAppData", msg=bot_token);
``auth_date`` (Unix seconds) must be recent. Nothing here trusts the client: a field
that does not parse is a rejection, never a guess.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl

MAX_INIT_DATA = 4096  # Telegram's init data is well under this; more is not theirs
CLOCK_SKEW = timedelta(minutes=5)  # an auth_date a little in the future is tolerated


class InitDataRejected(Exception):
    """Forged, expired or malformed init data (the reason is for logs, not for people)."""


@dataclass(frozen=True)
class WebAppUser:
    telegram_user_id: int
    first_name: str
    language_code: str | None
    auth_date: datetime


def secret_key(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def check_string(fields: dict[str, str]) -> str:
    """The data-check-string: every field but ``hash``, sorted, ``key=value`` per line."""
    return "\n".join(f"{k}={v}" for k, v in sorted(fields.items()) if k != "hash")


def signature(fields: dict[str, str], bot_token: str) -> str:
    return hmac.new(secret_key(bot_token), check_string(fields).encode(),
                    hashlib.sha256).hexdigest()


def validate(init_data: str, bot_token: str, now: datetime, max_age: timedelta) -> WebAppUser:
    """The user the init data vouches for, or :class:`InitDataRejected`."""
    if not init_data or len(init_data) > MAX_INIT_DATA:
        raise InitDataRejected("missing or oversized")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InitDataRejected("not a query string") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataRejected("a field twice")
    given = fields.get("hash", "")
    if not hmac.compare_digest(given.encode(), signature(fields, bot_token).encode()):
        raise InitDataRejected("bad hash")
    try:
        auth_date = datetime.fromtimestamp(int(fields["auth_date"]), tz=now.tzinfo)
        user = json.loads(fields["user"])
        user_id = int(user["id"])
    except (KeyError, ValueError, TypeError, OverflowError):
        raise InitDataRejected("no auth_date or user") from None
    if now - auth_date > max_age or auth_date - now > CLOCK_SKEW:
        raise InitDataRejected("expired")
    language = user.get("language_code")
    return WebAppUser(user_id, str(user.get("first_name", "")),
                      language if isinstance(language, str) else None, auth_date)
