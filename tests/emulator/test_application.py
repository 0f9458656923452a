"""A real polling PTB Application against the emulator."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from emulator import BotApiEmulator

from .conftest import AppFactory

pytestmark = pytest.mark.asyncio

Ctx = ContextTypes.DEFAULT_TYPE


async def start(update: Update, context: Ctx) -> None:
    assert update.effective_message is not None
    args = " ".join(context.args or [])
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("✅ Tham dự", callback_data="rsvp:1:yes")],
            [InlineKeyboardButton("❌ Vắng", callback_data="rsvp:1:no")],
        ]
    )
    await update.effective_message.reply_text(f"Chào! args={args}", reply_markup=markup)


async def on_button(update: Update, context: Ctx) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer(f"Đã chọn {query.data}")
    await query.edit_message_text(f"Bạn chọn: {query.data}")


async def echo_document(update: Update, context: Ctx) -> None:
    message = update.effective_message
    assert message is not None and message.document is not None
    tg_file = await message.document.get_file()
    data = bytes(await tg_file.download_as_bytearray())
    await message.reply_document(data[::-1], filename="reversed.bin", caption=message.caption)


async def on_edit(update: Update, context: Ctx) -> None:
    assert update.edited_message is not None
    await update.edited_message.reply_text(f"edited: {update.edited_message.text}")


async def on_reply(update: Update, context: Ctx) -> None:
    message = update.effective_message
    assert message is not None and message.reply_to_message is not None
    await message.reply_text(f"reply to {message.reply_to_message.message_id}")


def setup(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.Document.ALL, echo_document))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_edit))
    app.add_handler(MessageHandler(filters.REPLY, on_reply))


async def test_start_button_edit_flow(emu: BotApiEmulator, running_app: AppFactory) -> None:
    alice = emu.user(1001, "Nguyễn Thị", last_name="An", language_code="vi")
    async with running_app(setup):
        reply = await alice.ask("/start abc", timeout=5)
        assert reply.text == "Chào! args=abc"
        assert reply.button_labels == ["✅ Tham dự", "❌ Vắng"]
        assert reply.reply_to_message_id is None  # PTB quotes only in groups by default
        cq_id = await alice.press("Tham dự")  # substring match
        assert await alice.callback_answer(cq_id, timeout=5) == "Đã chọn rsvp:1:yes"
        await emu.wait_until(lambda: alice.chat[0].text.startswith("Bạn chọn"), timeout=5)
        assert alice.chat[0].text == "Bạn chọn: rsvp:1:yes"
        assert alice.chat[0].edited
        with pytest.raises(LookupError, match="available buttons"):
            await alice.press("Không có")
        forged = await alice.press_data("rsvp:999:hack", message_id=reply.message_id)
        assert await alice.callback_answer(forged) == "Đã chọn rsvp:999:hack"


async def test_group_command_with_bot_username(
    emu: BotApiEmulator, running_app: AppFactory
) -> None:
    alice = emu.user(1001, "An")
    group = emu.group(-100123, "Chi bộ 3")
    async with running_app(setup):
        await group.send(alice, "/start@chibo_bot x")
        reply = await group.next_message(timeout=5)
        assert reply.text == "Chào! args=x"
        assert reply.reply_to_message_id is not None
        assert alice.chat == []


async def test_upload_edit_reply(emu: BotApiEmulator, running_app: AppFactory) -> None:
    alice = emu.user(1001, "An")
    async with running_app(setup):
        await alice.upload("data.bin", b"\x01\x02\x03", caption="/import")
        echoed = await alice.next_message(timeout=5)
        assert echoed.document is not None
        assert echoed.document.data == b"\x03\x02\x01"
        assert echoed.document.caption == "/import"
        msg = await alice.send("typo")
        await alice.edit(msg["message_id"], "fixed")
        assert (await alice.next_message(timeout=5)).text == "edited: fixed"
        await alice.reply_to(echoed.message_id, "thanks")
        assert (await alice.next_message(timeout=5)).text == f"reply to {echoed.message_id}"
        await emu.wait_idle(timeout=5)
        assert emu.pending_updates() == 0
    assert not emu.stats.errors, emu.stats.errors
    assert [v.message_id for v in emu.all_messages()] == [v.message_id for v in alice.chat]
    assert all(c.ok for c in emu.calls), [c for c in emu.calls if not c.ok]


async def test_next_message_timeout_is_helpful(
    emu: BotApiEmulator, running_app: AppFactory
) -> None:
    alice = emu.user(1001, "An")
    async with running_app(setup):
        await alice.ask("/start", timeout=5)
        await alice.send("no handler for this")
        with pytest.raises(TimeoutError, match="no new bot message in chat 1001"):
            await alice.next_message(timeout=0.3)
        assert [v.text for v in alice.drain()] == []
