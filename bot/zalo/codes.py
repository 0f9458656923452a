"""One-use Zalo codes: ``XXXX-XXXX`` from 32 unambiguous characters (40 bits).

Only a SHA-256 of the code is stored. Members type it by hand, so the dash and the
case do not matter and look-alike characters (0/O, 1/I) are not used. Guessing is
bounded by the per-user attempt limit (``[zalo] code_attempts_per_hour``).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from bot.texts import Language, t
from storage import zalo as store
from storage.db import Connection

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def shown(code: str) -> str:
    """How a code is printed: ``ABCD-EF23``."""
    return f"{code[:4]}-{code[4:]}"


def normalize(text: str) -> str | None:
    """The code typed (any case, dash and spaces optional), or None if it is not one."""
    bare = "".join(ch for ch in text.upper() if ch not in "- ")
    if len(bare) != LENGTH or any(ch not in ALPHABET for ch in bare):
        return None
    return bare


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


async def issue(conn: Connection, *, person_id: int, invite_id: int | None, now: datetime,
                expires_at: datetime) -> str:
    """A fresh code for ``person_id`` (inside the caller's transaction), shown once."""
    code = new_code()
    await store.create_code(conn, code_hash=hash_code(code), person_id=person_id,
                            invite_id=invite_id, now=now, expires_at=expires_at)
    return shown(code)


def invite_line(code: str | None, lang: Language) -> str:
    """The "Mã Zalo: XXXX-XXXX" line that follows a personal invite link ("" without one)."""
    return "" if code is None else "\n" + t(lang, "zalo_code_line", code=code)
