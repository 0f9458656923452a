"""Raw HTTP surface: routing, request encodings, error bodies."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from emulator import BotApiEmulator
from emulator.formatting import command_entities, parse_html

from .conftest import TOKEN


@pytest.mark.asyncio
async def test_routing_and_encodings(emu: BotApiEmulator) -> None:
    base = emu.base_url
    async with httpx.AsyncClient() as client:
        wrong = await client.post(f"{base}999:nope/getMe")
        assert wrong.status_code == 401
        assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        missing = await client.post(f"{base}{TOKEN}/fooBar")
        assert missing.status_code == 404
        assert missing.json()["description"] == "Not Found: method not found"
        me = await client.get(f"{base}{TOKEN}/getme")
        assert me.json()["result"]["username"] == "chibo_bot"
        alice = emu.user(1001, "An")
        await alice.send("hi")
        markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
        as_json = await client.post(
            f"{base}{TOKEN}/sendMessage",
            json={"chat_id": 1001, "text": "json", "reply_markup": markup},
        )
        assert as_json.json()["result"]["reply_markup"] == markup
        as_form = await client.post(
            f"{base}{TOKEN}/sendMessage",
            data={"chat_id": "1001", "text": "[1]", "reply_markup": json.dumps(markup)},
        )
        assert as_form.json()["result"]["text"] == "[1]"
        as_query = await client.get(f"{base}{TOKEN}/sendMessage?chat_id=1001&text=q")
        assert as_query.json()["ok"]
        assert [v.text for v in alice.chat] == ["json", "[1]", "q"]
        assert alice.chat[0].button_labels == ["A"]
        updates = (await client.get(f"{base}{TOKEN}/getUpdates")).json()["result"]
        assert updates[0]["message"]["text"] == "hi"
        offset = updates[-1]["update_id"] + 1
        await client.get(f"{base}{TOKEN}/getUpdates", params={"offset": offset, "timeout": 0})
        assert emu.pending_updates() == 0
        bad_file = await client.get(f"{emu.base_file_url}{TOKEN}/documents/nope")
        assert bad_file.status_code == 404


@pytest.mark.asyncio
async def test_long_poll_returns_on_update_and_conflicts(emu: BotApiEmulator) -> None:
    alice = emu.user(1001, "An")
    url = f"{emu.base_url}{TOKEN}/getUpdates"
    async with httpx.AsyncClient(timeout=10) as client:
        first = asyncio.create_task(client.post(url, data={"timeout": "5"}))
        await emu.wait_until(lambda: emu.waiting_polls == 1, 2)
        second = asyncio.create_task(client.post(url, data={"timeout": "5"}))
        conflict = await first
        assert conflict.status_code == 409
        assert conflict.json()["description"].startswith("Conflict: terminated by other getUpdates")
        await alice.send("/start")
        result = (await second).json()["result"]
        assert result[0]["message"]["entities"][0]["type"] == "bot_command"


@pytest.mark.asyncio
async def test_callback_answer_rules(emu: BotApiEmulator) -> None:
    url = f"{emu.base_url}{TOKEN}"
    alice = emu.user(1001, "An")
    await alice.send("hi")
    async with httpx.AsyncClient() as client:
        markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
        await client.post(
            f"{url}/sendMessage", json={"chat_id": 1001, "text": "x", "reply_markup": markup}
        )
        cq = await alice.press("Go")
        ok = await client.post(
            f"{url}/answerCallbackQuery",
            json={"callback_query_id": cq, "text": "done", "show_alert": True},
        )
        assert ok.json()["result"] is True
        assert alice.callback(cq).show_alert
        again = await client.post(f"{url}/answerCallbackQuery", json={"callback_query_id": cq})
        assert again.json()["description"] == (
            "Bad Request: query is too old and response timeout expired or query ID is invalid"
        )
    assert await alice.callback_answer(cq) == "done"


def test_command_entities_and_html() -> None:
    assert command_entities("/start abc") == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert command_entities("/start@chibo_bot")[0]["length"] == 16
    assert command_entities("hello") == []
    text, entities = parse_html('<b>Chi bộ</b> &amp; <a href="https://x.y">link</a> 😀<i>x</i>')
    assert text == "Chi bộ & link 😀x"
    assert entities[0] == {"type": "bold", "offset": 0, "length": 6}
    assert entities[1]["type"] == "text_link" and entities[1]["url"] == "https://x.y"
    assert entities[2] == {"type": "italic", "offset": 16, "length": 1}  # emoji = 2 UTF-16 units


@pytest.mark.asyncio
async def test_channel_post_and_wait_until_timeout(emu: BotApiEmulator) -> None:
    post = await emu.channel_post(-100999, "tin mới")
    assert "from" not in post and post["chat"]["type"] == "channel"
    async with httpx.AsyncClient() as client:
        updates = (await client.get(f"{emu.base_url}{TOKEN}/getUpdates")).json()["result"]
    assert updates[0]["channel_post"]["text"] == "tin mới"
    with pytest.raises(TimeoutError, match="never"):
        await emu.wait_until(lambda: False, timeout=0.05, message="never")
