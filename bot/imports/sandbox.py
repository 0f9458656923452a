"""Parsing an upload in a child process whose memory is capped, so no file can take the
bot's own memory past what the operator configured.

The checks of ``reader`` refuse the hostile shapes we know before openpyxl runs; the
child is the ceiling for those we do not: its address space is limited with
``RLIMIT_AS`` and it is given a deadline. A child that runs out of memory or time is
the file's fault, and the answer is the same one line as for any unreadable file. The
children fork from a small server process (``forkserver``) that has the parser and
openpyxl loaded (``bot.imports.forkserver``), so each upload costs a fork, not a new
interpreter, and a child allocates only for the file it reads.
"""

from __future__ import annotations

import logging
import multiprocessing
import resource
from datetime import date
from multiprocessing.connection import Connection
from typing import Any, Final

from bot.imports.models import ImportKind, ParsedImport, RowError
from bot.imports.parser import parse_upload

log = logging.getLogger("chibo.imports")

DEADLINE_SECONDS: Final = 60.0
_context: Any = None


def _ctx() -> Any:
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(["bot.imports.forkserver"])
    return _context


def _child(out: Connection, filename: str, data: bytes, today: date, max_bytes: int,
           expect: ImportKind | None, memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        result: ParsedImport | str = parse_upload(filename, data, today=today,
                                                  max_bytes=max_bytes, expect=expect)
    except MemoryError:
        result = "memory"
    try:
        out.send(result)
    except MemoryError:
        out.send("memory")
    out.close()


def _refused(why: str, filename: str) -> ParsedImport:
    log.warning("upload %r refused: the parser %s", filename, why)
    return ParsedImport(kind=None, file_error=RowError(None, "too_complex", {}))


def parse_isolated(filename: str, data: bytes, *, today: date, max_bytes: int,
                   memory_mb: int, expect: ImportKind | None = None,
                   deadline: float = DEADLINE_SECONDS) -> ParsedImport:
    """``parse_upload`` in a child limited to ``memory_mb`` of address space and
    ``deadline`` seconds (blocking: run it off the event loop)."""
    ctx = _ctx()
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, daemon=True, args=(
        send, filename, data, today, max_bytes, expect, memory_mb * 1024 * 1024))
    child.start()
    send.close()
    try:
        if not receive.poll(deadline):
            return _refused(f"took more than {deadline:.0f} s", filename)
        try:
            result = receive.recv()
        except EOFError:  # died without a word: killed by the memory limit
            return _refused(f"died (exit {child.exitcode}) within {memory_mb} MB", filename)
        if isinstance(result, ParsedImport):
            return result
        return _refused(f"needed more than {memory_mb} MB", filename)
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)
