"""Mini App init data signed as a Telegram client receives it (for tests and the demo).

Telegram signs the init data with the bot's token; the emulator knows the token, so it
can hand a test or a person in a browser exactly what a Telegram client would pass.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import quote, urlencode


def sign_init_data(token: str, user: dict[str, Any], auth_date: int,
                   **extra: str) -> str:
    """``query_id=…&user=…&auth_date=…&hash=…`` signed with ``token``."""
    fields = {"query_id": f"AAE{user.get('id', 0)}", "auth_date": str(auth_date),
              "user": json.dumps(user, ensure_ascii=False, separators=(",", ":")), **extra}
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    key = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(key, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields, quote_via=quote)


def launch_fragment(init_data: str) -> str:
    """The URL fragment a Telegram client opens a Mini App with."""
    return "#" + urlencode({"tgWebAppData": init_data, "tgWebAppVersion": "8.0",
                            "tgWebAppPlatform": "web"}, quote_via=quote)
