"""Logging set-up that keeps secrets out of every line.

httpx logs each request URL, and Bot API URLs carry the token: its logger is
quietened, and a filter masks the token and invite tokens in every record as
a second line of defence.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

_BOT_URL_TOKEN = re.compile(r"/bot\d+(?::|%3A|%3a)[A-Za-z0-9_-]+")
_START_PAYLOAD = re.compile(r"(start=|/start |join:)[A-Za-z0-9_-]{8,64}")


class RedactingFilter(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def add_secret(self, secret: str | None) -> None:
        """Mask ``secret`` (and its URL-encoded form, and a token's secret half)."""
        if not secret:
            return
        self.secrets.add(secret)
        self.secrets.add(quote(secret, safe=""))
        _, _, half = secret.partition(":")
        if len(half) >= 8:
            self.secrets.add(half)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[secret]")
        text = _BOT_URL_TOKEN.sub("/bot[token]", text)
        return _START_PAYLOAD.sub(r"\1[invite]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.redact(message)
        if record.exc_info and record.exc_text is None:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


REDACTOR = RedactingFilter()
_factory_installed = False


def install_redaction() -> None:
    """Redact every log record when it is created, whatever handler later writes it
    (ours, pytest's, an operator's), so no secret depends on handler set-up."""
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            REDACTOR.filter(record)
        except Exception:  # a malformed log call must not break the caller
            record.msg, record.args = "[unloggable record]", None
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True


def setup_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(REDACTOR)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
