"""Replies and tap answers survive a Bot API that fails now and then: a tap answer that
meets a 5xx is tried again, every tap gets its answer, and each fault is one line in the
log, never a traceback."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.demo.playground import Playground
from tests.e2e.test_buttons import EXPIRED

MEMBERS = 10
TAPS = 20


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno > logging.DEBUG and r.exc_info]


async def test_tap_answers_meeting_5xx_are_retried_and_each_fault_is_one_line(
    live_bot: Playground, caplog: pytest.LogCaptureFixture,
) -> None:
    members = [live_bot.emu.user(5000 + i, f"Đảng viên {i}") for i in range(MEMBERS)]
    anchors = [(await m.ask("/help")).message_id for m in members]
    live_bot.emu.faults.fail_rate(0.1, status=502, description="Bad Gateway", seed=21,
                            methods={"answerCallbackQuery"})
    with caplog.at_level(logging.INFO):
        queries = [(m, await m.press_data("zz:forged", message_id=anchor))
                   for _ in range(TAPS) for m, anchor in zip(members, anchors, strict=True)]
        answers = await asyncio.gather(*(m.callback_answer(q, timeout=30) for m, q in queries))
    failed = [c for c in live_bot.emu.calls_to("answerCallbackQuery") if c.status == 502]
    assert len(failed) > 5  # the faults did happen…
    assert answers == [EXPIRED] * (MEMBERS * TAPS)  # …and every tap got its answer
    assert tracebacks(caplog) == []
    retried = [r.getMessage() for r in caplog.records
               if "answerCallbackQuery failed" in r.getMessage()]
    assert len(retried) == len(failed)  # one line per fault, naming the call and the cause
    assert all("HTTP 502" in line for line in retried)
