"""Secrets never reach the logs: a full run of the demo, with every logger at DEBUG,
mentions neither the bot token nor any invite token it issued."""

from __future__ import annotations

import io
import logging
import re

import pytest

from bot.demo.playground import TOKEN
from bot.demo.script import run_demo


async def test_a_full_run_logs_no_token_and_no_invite_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    out = io.StringIO()
    with caplog.at_level(logging.DEBUG):
        for name in ("httpx", "httpcore", "telegram", "chibo", "aiohttp", "apscheduler"):
            logging.getLogger(name).setLevel(logging.DEBUG)
        try:
            assert await run_demo(out=out, paced=False) == 0
        finally:
            for name in ("httpx", "httpcore", "telegram", "chibo", "aiohttp", "apscheduler"):
                logging.getLogger(name).setLevel(logging.NOTSET)
    logs = caplog.text
    invite_tokens = set(re.findall(r"start=([A-Za-z0-9_-]{16,64})", out.getvalue()))
    invite_tokens |= set(re.findall(r"/start ([A-Za-z0-9_-]{16,64})", out.getvalue()))
    assert len(invite_tokens) >= 2  # the secretary's link and a member's
    assert len(logs) > 10_000  # a real, verbose log of the whole run was captured
    assert "getUpdates" in logs or "sendMessage" in logs
    assert TOKEN not in logs
    assert TOKEN.split(":")[1] not in logs
    for token in invite_tokens:
        assert token not in logs, "an invite token reached the logs"
