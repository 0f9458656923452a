"""Secret tokens for links (invitations, guest links): only their SHA-256 is stored, so a
database copy cannot be used to join."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 18  # 144 bits: 24 characters of ``A-Za-z0-9_-``


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def invite_link(bot_username: str, token: str) -> str:
    """The t.me deep link that opens the bot with ``/start <token>``."""
    return f"https://t.me/{bot_username}?start={token}"
