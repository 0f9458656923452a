"""Imported at start-up by the bot's process in ``inbound.py`` (its PYTHONPATH names this
folder): the instant (``time.monotonic()``) of every send the bot's pacer let start is
written, one a line, to ``$CHIBO_SEND_STARTS`` when the process exits, so that the
benchmark can set each send's start against its arrival stamp at the emulator (the same
clock: the system's monotonic one). Benchmark-only; the bot itself keeps no such list."""

from __future__ import annotations

import atexit
import os
from pathlib import Path

_PATH = os.environ.get("CHIBO_SEND_STARTS")

if _PATH:
    from bot.runtime.delivery import limits

    _starts: list[float] = []
    _original = limits.Pacer._started

    def _started(self: limits.Pacer, now: float) -> None:
        _starts.append(now)
        _original(self, now)

    limits.Pacer._started = _started  # type: ignore[method-assign]

    def _write() -> None:
        Path(_PATH).write_text("".join(f"{t!r}\n" for t in _starts), encoding="utf-8")

    atexit.register(_write)
