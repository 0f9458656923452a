"""Where the console opens: ``[webapp] public_url`` with the screen in the query.

The screen travels in the query (``?s=rollcall&m=12``); Telegram adds the signed init
data in the fragment. Telegram opens only HTTPS Mini Apps, so without ``enabled`` and
an https ``public_url`` there is no link (and no button)."""

from __future__ import annotations

from urllib.parse import urlencode

from bot.core.config import Config

PATH = "/console/"


def console_link(config: Config, **query: str | int) -> str | None:
    settings = config.webapp
    if not settings.enabled or not settings.public_url.startswith("https://"):
        return None
    suffix = "?" + urlencode(query) if query else ""
    return settings.public_url + PATH + suffix
