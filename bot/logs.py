"""Logging set-up that keeps secrets out of every line.

httpx logs each request URL, and Bot API URLs carry the token: its logger is
quietened, and a filter masks the token and invite tokens in every record as
a second line of defence.
"""

from __future__ import annotations

import logging
import re

_BOT_URL_TOKEN = re.compile(r"/bot\d+:[A-Za-z0-9_-]+")
_START_PAYLOAD = re.compile(r"(start=|/start )[A-Za-z0-9_-]{8,64}")


class RedactingFilter(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def add_secret(self, secret: str | None) -> None:
        if secret:
            self.secrets.add(secret)

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


def setup_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(REDACTOR)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
