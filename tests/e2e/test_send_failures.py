"""A send that raises something other than a Telegram error never strands its row:
it goes back to pending with backoff, fails with the reason after max_attempts, the
log names the send (not the recording) as what failed, and ``chibo status`` counts it."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest

from bot.demo.playground import Playground
from bot.notices.status import delivery_status, render_status
from bot.runtime.delivery.telegram_transport import TelegramTransport
from bot.texts import Texts
from storage.outbox import Envelope, OutgoingMessage


@pytest.fixture(autouse=True)
def open_chats(live_bot: Playground) -> None:
    live_bot.emu.strict_private_chats = False


def _breaking(monkeypatch: pytest.MonkeyPatch, times: int) -> list[int]:
    """The next ``times`` sends raise a codec error before reaching Telegram."""
    calls: list[int] = []
    real = TelegramTransport.send

    async def send(self: TelegramTransport, chat_id: int, message: OutgoingMessage, *,
                   row_id: int) -> Any:
        calls.append(chat_id)
        if len(calls) <= times:
            raise UnicodeEncodeError("utf-8", "x", 0, 1, "surrogates not allowed")
        return await real(self, chat_id, message, row_id=row_id)

    monkeypatch.setattr(TelegramTransport, "send", send)
    return calls


async def _row(live_bot: Playground) -> dict[str, Any]:
    row = await live_bot.services.db.fetch_one(
        "SELECT state, attempts, last_error, next_attempt_at FROM outbox WHERE business_key = 'k'")
    assert row is not None
    return dict(row)


async def _post(live_bot: Playground) -> None:
    await live_bot.services.post([Envelope(key="k", chat_id=7001, kind="test",
                                     message=OutgoingMessage("tin nhắn k"))])


async def test_an_unexpected_exception_puts_the_row_back_to_pending_with_backoff(
    live_bot: Playground, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    live_bot.emu.user(7001, "An")
    _breaking(monkeypatch, 1)
    with caplog.at_level(logging.INFO, logger="chibo.delivery"):
        await _post(live_bot)
        await live_bot.settle()
    row = await _row(live_bot)
    assert row["state"] == "pending" and row["attempts"] == 1
    assert "UnicodeEncodeError" in row["last_error"]
    assert row["next_attempt_at"] > live_bot.clock.now().isoformat()  # backoff, not at once
    assert "could not be recorded" not in caplog.text
    assert "sending outbox row" in caplog.text and "UnicodeEncodeError" in caplog.text
    status = render_status(await delivery_status(live_bot.services.db, live_bot.clock), Texts("vi"),
                           live_bot.config.bot.tz)
    assert "Chờ gửi lại sau lỗi: 1" in status
    live_bot.clock.advance(timedelta(minutes=10))  # type: ignore[attr-defined]
    await live_bot.settle()
    assert (await _row(live_bot))["state"] == "sent"
    assert [m.text for m in live_bot.emu.all_messages() if m.chat_id == 7001] == ["tin nhắn k"]


async def test_an_exception_every_time_fails_the_row_with_the_reason(
    live_bot: Playground, monkeypatch: pytest.MonkeyPatch,
) -> None:
    live_bot.emu.user(7001, "An")
    _breaking(monkeypatch, 100)
    await _post(live_bot)
    for _ in range(live_bot.config.delivery.max_attempts + 1):
        await live_bot.settle()
        live_bot.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    row = await _row(live_bot)
    assert row["state"] == "failed"
    assert row["attempts"] == live_bot.config.delivery.max_attempts
    assert "UnicodeEncodeError" in row["last_error"]
    stats = await delivery_status(live_bot.services.db, live_bot.clock)
    assert stats.by_state.get("sending", 0) == 0 and stats.failed_24h == 1
