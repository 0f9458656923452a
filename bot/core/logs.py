"""Logging set-up that keeps secrets out of every line.

httpx logs each request URL, and Bot API URLs carry the token: its logger is
quietened, and a filter masks the token and invite tokens in every record as
a second line of defence.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from types import TracebackType
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
        """``text`` without any secret. Never raises: at interpreter shutdown the regular
        expressions may fail (``sys.meta_path is None``), the known secrets still go."""
        for secret in sorted(self.secrets, key=len, reverse=True):  # a whole token first
            text = text.replace(secret, "[secret]")
        try:
            text = _BOT_URL_TOKEN.sub(_token_mask, text)
            return _START_PAYLOAD.sub(_invite_mask, text)
        except Exception:
            return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            self._clean(record)
        except Exception:  # never break the caller, never let a raw record through
            record.msg, record.args = "[unloggable record]", None
            record.exc_info, record.exc_text = None, None
        return True

    def _clean(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        cleaned = self.redact(message)
        if record.exc_info and record.exc_text is None:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if cleaned != message:
            record.msg, record.args = cleaned, None


def _token_mask(_: re.Match[str]) -> str:
    return "/bot[token]"


def _invite_mask(match: re.Match[str]) -> str:
    # A function, not a template: expanding r"\1" imports re's parser lazily, which fails
    # while the interpreter shuts down.
    return match.group(1) + "[invite]"


REDACTOR = RedactingFilter()
_factory_installed = False
_hooks_installed = False


def _write_redacted(text: str) -> None:
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(REDACTOR.redact(text))
        stream.flush()
    except Exception:  # nowhere left to report to
        return


def install_exception_hooks() -> None:
    """Redact what Python itself prints: an uncaught exception's traceback (main thread
    and other threads) and "Exception ignored in ..." reports, including the ones written
    while the interpreter shuts down."""
    global _hooks_installed
    if _hooks_installed:
        return
    format_exception = traceback.format_exception

    def excepthook(kind: type[BaseException], value: BaseException,
                   tb: TracebackType | None) -> None:
        _write_redacted("".join(format_exception(kind, value, tb)))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "?"
        _write_redacted(f"Exception in thread {name}:\n" + "".join(
            format_exception(args.exc_type, args.exc_value, args.exc_traceback)))

    def unraisable_hook(unraisable: sys.UnraisableHookArgs) -> None:
        where = unraisable.err_msg or "Exception ignored in"
        try:
            head = f"{where}: {unraisable.object!r}\n"
        except Exception:
            head = f"{where}:\n"
        body = ""
        if unraisable.exc_value is not None:
            body = "".join(format_exception(unraisable.exc_type, unraisable.exc_value,
                                            unraisable.exc_traceback))
        _write_redacted(head + body)

    sys.excepthook = excepthook
    threading.excepthook = thread_hook
    sys.unraisablehook = unraisable_hook
    _hooks_installed = True


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
    install_exception_hooks()


def setup_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(REDACTOR)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
