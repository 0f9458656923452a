"""The emulator driven by a real python-telegram-bot ``Bot``."""

from __future__ import annotations

import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TimedOut

from emulator import BotApiEmulator

pytestmark = pytest.mark.asyncio


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=f"cb:{i}")] for i, label in enumerate(labels)]
    )


async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot
    assert me.username == "chibo_bot"
    assert me.first_name == "Chibo"


async def test_send_message_visible_in_transcript(emu: BotApiEmulator, bot: Bot) -> None:
    alice = emu.user(1001, "Nguyễn Thị", last_name="An", language_code="vi")
    await alice.send("hello")
    sent = await bot.send_message(1001, "Xin chào <b>An</b>", parse_mode=ParseMode.HTML)
    assert sent.text == "Xin chào An"
    assert sent.entities[0].type == "bold"
    assert sent.from_user is not None and sent.from_user.is_bot
    assert sent.chat.first_name == "Nguyễn Thị"
    view = await alice.next_message(timeout=1)
    assert view.text == "Xin chào An"
    assert view.message_id == sent.message_id
    assert [v.message_id for v in alice.chat] == [sent.message_id]


async def test_edit_and_delete_update_transcript(emu: BotApiEmulator, bot: Bot) -> None:
    alice = emu.user(1001, "An")
    await alice.send("hi")
    sent = await bot.send_message(1001, "Họp chi bộ", reply_markup=keyboard("✅ Tham dự", "❌"))
    assert alice.chat[0].button_labels == ["✅ Tham dự", "❌"]
    edited = await bot.edit_message_text("Đã ghi nhận", chat_id=1001, message_id=sent.message_id)
    assert not isinstance(edited, bool) and edited.edit_date is not None
    view = alice.chat[0]
    assert view.text == "Đã ghi nhận"
    assert view.edited
    assert view.buttons == []  # editMessageText without reply_markup drops the keyboard
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("Đã ghi nhận", chat_id=1001, message_id=sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=1001, message_id=999)
    await bot.edit_message_reply_markup(1001, sent.message_id, reply_markup=keyboard("A"))
    assert alice.chat[0].button_labels == ["A"]
    assert await bot.delete_message(1001, sent.message_id)
    assert alice.chat[0].deleted
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(1001, sent.message_id)
    assert emu.stats.edits == 2


async def test_user_upload_get_file_round_trip(emu: BotApiEmulator, bot: Bot) -> None:
    alice = emu.user(1001, "An")
    payload = b"PK\x03\x04 fake xlsx bytes \x00\xff"
    msg = await alice.upload("members.xlsx", payload, caption="/import")
    document = msg["document"]
    assert document["file_name"] == "members.xlsx"
    assert document["mime_type"].endswith("spreadsheetml.sheet")
    assert msg["caption_entities"] == [{"type": "bot_command", "offset": 0, "length": 7}]
    tg_file = await bot.get_file(document["file_id"])
    assert tg_file.file_size == len(payload)
    assert bytes(await tg_file.download_as_bytearray()) == payload


async def test_send_document_and_photo(emu: BotApiEmulator, bot: Bot) -> None:
    alice = emu.user(1001, "An")
    await alice.send("/report")
    data = "Báo cáo".encode() * 100
    sent = await bot.send_document(1001, data, filename="bao-cao.csv", caption="Báo cáo tháng")
    assert sent.document is not None and sent.document.file_name == "bao-cao.csv"
    view = alice.chat[-1]
    assert view.document is not None
    assert view.document.data == data
    assert view.document.name == "bao-cao.csv"
    assert view.document.caption == "Báo cáo tháng"
    assert view.text == "Báo cáo tháng"
    # the bot can fetch what it sent, and resend by file_id
    again = await bot.get_file(sent.document.file_id)
    assert bytes(await again.download_as_bytearray()) == data
    resent = await bot.send_document(1001, sent.document.file_id)
    assert resent.document is not None and resent.document.file_id == sent.document.file_id
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (64).to_bytes(4, "big") * 2 + b"rest"
    photo = await bot.send_photo(1001, png, caption="chart")
    assert photo.photo[-1].width == 64
    assert alice.chat[-1].photo == png
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_document(1001, b"x", filename="a.txt", caption="c" * 1025)


async def test_errors_are_telegram_shaped(emu: BotApiEmulator, bot: Bot) -> None:
    alice = emu.user(1001, "An")
    emu.user(1002, "Bình")  # exists but never wrote to the bot
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "hi")
    with pytest.raises(
        Forbidden, match=r"^Forbidden: bot can't initiate conversation with a user$"
    ):
        await bot.send_message(1002, "hi")
    await alice.send("hi")
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(1001, "x" * 4097)
    await bot.send_message(1001, "x" * 4096)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(1001, "   ")
    bad = InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data="é" * 33)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(1001, "buttons", reply_markup=bad)
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(1001, "<b>unclosed", parse_mode=ParseMode.HTML)
    emu.faults.block(1001)
    with pytest.raises(Forbidden, match=r"^Forbidden: bot was blocked by the user$"):
        await bot.send_message(1001, "hi")
    await alice.send("/start")  # restarting the bot unblocks it
    await bot.send_message(1001, "welcome back")
    emu.faults.deactivate(1001)
    with pytest.raises(Forbidden, match=r"^Forbidden: user is deactivated$"):
        await bot.send_message(1001, "hi")
    assert emu.stats.errors["Forbidden: user is deactivated"] == 1
    failed = [c for c in emu.calls if c.status == 400]
    assert failed[0].error_description == "Bad Request: chat not found"


async def test_lenient_private_chats(emu: BotApiEmulator, bot: Bot) -> None:
    emu.user(1002, "Bình")
    emu.strict_private_chats = False
    await bot.send_message(1002, "hi")
    assert emu.user(1002).chat[0].text == "hi"


async def test_fail_next_and_drop_after_record(emu: BotApiEmulator, bot: Bot) -> None:
    alice = emu.user(1001, "An")
    await alice.send("hi")
    emu.faults.fail_next(1)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(1001, "lost")
    assert alice.chat == []
    emu.faults.drop_after_record(1)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(1001, "delivered anyway")
    assert [v.text for v in alice.chat] == ["delivered anyway"]
    await bot.send_message(1001, "ok")
    assert len(alice.chat) == 2


async def test_fail_rate_is_deterministic(emu: BotApiEmulator, bot: Bot) -> None:
    alice = emu.user(1001, "An")
    await alice.send("hi")

    async def run() -> list[bool]:
        emu.faults.clear()
        emu.faults.fail_rate(0.5, seed=7)
        outcome = []
        for i in range(10):
            try:
                await bot.send_message(1001, f"m{i}")
                outcome.append(True)
            except NetworkError:
                outcome.append(False)
        return outcome

    first = await run()
    assert first == await run()
    assert True in first and False in first


async def test_slow_answer_times_out_but_is_delivered(emu: BotApiEmulator, bot: Bot) -> None:
    alice = emu.user(1001, "An")
    await alice.send("hi")
    emu.faults.slow(1.0, next_n=1)
    with pytest.raises(TimedOut):
        await bot.send_message(1001, "maybe delivered", read_timeout=0.2)
    assert [v.text for v in alice.chat] == ["maybe delivered"]
    await bot.send_message(1001, "fast again", read_timeout=0.5)


async def test_commands_and_misc(emu: BotApiEmulator, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Bắt đầu"), BotCommand("help", "Trợ giúp")])
    await bot.set_my_commands([BotCommand("start", "Start")], language_code="en")
    assert emu.commands == {
        "": [("start", "Bắt đầu"), ("help", "Trợ giúp")],
        "en": [("start", "Start")],
    }
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    await bot.delete_my_commands(language_code="en")
    assert "en" not in emu.commands
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])
    alice = emu.user(1001, "An", username="an_nguyen")
    await alice.send("hi")
    assert await bot.send_chat_action(1001, "typing")
    chat = await bot.get_chat(1001)
    assert chat.username == "an_nguyen"
    sent = await bot.send_message(1001, "pin me")
    assert await bot.pin_chat_message(1001, sent.message_id)
    group = emu.group(-100123, "Chi bộ 3")
    info = await bot.get_chat(-100123)
    assert info.type == "supergroup" and info.title == "Chi bộ 3"
    await bot.send_message(-100123, "Chào chi bộ")
    assert group.chat[0].text == "Chào chi bộ"
    webhook = await bot.get_webhook_info()
    assert webhook.url == ""


async def test_menu_button_and_web_app_buttons(emu: BotApiEmulator, bot: Bot) -> None:
    """Mini Apps: a per-chat menu button and web_app buttons, https only, and
    web_app buttons in private chats only, as Telegram has them."""
    from telegram import InlineKeyboardButton, MenuButtonDefault, MenuButtonWebApp, WebAppInfo

    alice = emu.user(1001, "An")
    await alice.send("hi")
    app = WebAppInfo("https://chibo.example.org/console/")
    assert await bot.set_chat_menu_button(1001, MenuButtonWebApp("Bảng điều khiển", app))
    assert emu.menu_buttons[1001]["web_app"]["url"] == "https://chibo.example.org/console/"
    assert isinstance(await bot.get_chat_menu_button(1001), MenuButtonWebApp)
    assert isinstance(await bot.get_chat_menu_button(), MenuButtonDefault)
    with pytest.raises(BadRequest, match="Button_url_invalid"):
        await bot.set_chat_menu_button(1001, MenuButtonWebApp("x", WebAppInfo("http://a/")))
    sent = await bot.send_message(1001, "Mở", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("Mở bảng", web_app=app)]]))
    assert alice.chat[-1].buttons[0][0].web_app == "https://chibo.example.org/console/"
    assert sent.reply_markup is not None
    emu.group(-100123, "Chi bộ 3")
    with pytest.raises(BadRequest, match="Button_type_invalid"):
        await bot.send_message(-100123, "Mở", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("Mở bảng", web_app=app)]]))
