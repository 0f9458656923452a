"""The replies' rate limiter: pending edits of one message collapse into the newest."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bot.runtime.delivery.limits import Throttle
from bot.runtime.delivery.reply_limiter import ReplyLimiter

CHAT = 4242


async def test_pending_edits_of_a_message_collapse_into_the_last() -> None:
    throttle = Throttle(1000.0, 1.0, 20)
    limiter = ReplyLimiter(throttle)
    sent: list[str] = []

    def request(endpoint: str, message_id: int, text: str) -> Any:
        async def callback() -> dict[str, Any]:
            sent.append(text)
            return {"message_id": message_id}
        data = {"chat_id": CHAT, "message_id": message_id, "text": text}
        return limiter.process_request(callback, (), {}, endpoint, data, None)

    throttle.gates.hold(CHAT, time.monotonic() + 0.3)  # the chat is closed for a moment
    results = await asyncio.gather(
        request("editMessageText", 7, "first"),
        request("editMessageText", 7, "second"),
        request("editMessageText", 8, "other card"),
        request("editMessageText", 7, "third"),
    )
    assert sorted(sent) == ["other card", "third"]  # the superseded edits never left
    assert results[0] is True and results[1] is True  # to their callers: done
    assert limiter.superseded == 2
    # Once sent, a message's edits are not remembered: the next one goes out.
    assert await request("editMessageText", 7, "fourth") == {"message_id": 7}
    assert sent[-1] == "fourth"


async def test_messages_are_never_coalesced() -> None:
    throttle = Throttle(1000.0, 0.01, 20)
    limiter = ReplyLimiter(throttle)
    sent: list[str] = []

    async def send(text: str) -> Any:
        async def callback() -> bool:
            sent.append(text)
            return True
        return await limiter.process_request(callback, (), {}, "sendMessage",
                                             {"chat_id": CHAT, "text": text}, None)

    await asyncio.gather(send("a"), send("b"), send("c"))
    assert sorted(sent) == ["a", "b", "c"]
