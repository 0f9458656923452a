"""Webhook mode: the real Application serves PTB's webhook server, fed over HTTP.

The bot registers its webhook with the emulator (setWebhook), and the test plays
Telegram: it POSTs the updates the emulator built to the local server, with and
without the secret header. Replies still go through the emulator's Bot API.
"""

from __future__ import annotations

import argparse
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.core.config import WebhookSettings, config_from_dict
from bot.demo.playground import BOT_USERNAME, TOKEN
from bot.runtime import cli
from bot.runtime.app import build_application, start_app, stop_app
from emulator import BotApiEmulator
from handlers.context import ChiboApp
from tests.conftest import TEST_LIMITS

PUBLIC_URL = "https://chibo.example.org/telegram/webhook"
SECRET = "s3cret-Webhook_token-0123456789abcdef"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Hooked:
    emu: BotApiEmulator
    app: ChiboApp
    webhook: WebhookSettings

    @property
    def local_url(self) -> str:
        """Where a reverse proxy would forward ``PUBLIC_URL``: same path, plain HTTP."""
        return f"http://127.0.0.1:{self.webhook.port}/{self.webhook.url_path}"


@pytest.fixture
async def hooked(tmp_path: Path) -> AsyncIterator[Hooked]:
    async with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME, limits=TEST_LIMITS) as emu:
        config = config_from_dict({
            "telegram": {"base_url": emu.base_url, "base_file_url": emu.base_file_url},
            "database": {"path": str(tmp_path / "bot.sqlite3")},
            "webhook": {"url": PUBLIC_URL, "listen": "127.0.0.1", "port": free_port(),
                        "secret_token": SECRET},
        })
        assert config.webhook is not None
        app = build_application(config, TOKEN, tick_seconds=None)
        try:
            await start_app(app, webhook=config.webhook)
            yield Hooked(emu, app, config.webhook)
        finally:
            await stop_app(app)


async def post(client: httpx.AsyncClient, url: str, update: dict[str, Any],
               secret: str | None) -> httpx.Response:
    headers = {} if secret is None else {HEADER: secret}
    return await client.post(url, json=update, headers=headers)


async def test_bot_registers_its_webhook_with_url_and_secret(hooked: Hooked) -> None:
    webhook = hooked.emu.webhook
    assert webhook["url"] == PUBLIC_URL
    assert webhook["secret_token"] == SECRET
    assert TOKEN.split(":")[1] not in webhook["url"]
    assert hooked.webhook.url_path == "telegram/webhook"
    assert not hooked.emu.calls_to("getUpdates")  # no long polling next to the webhook


async def test_only_requests_with_the_secret_header_reach_the_bot(hooked: Hooked) -> None:
    an = hooked.emu.user(1001, "An")
    await an.send("/help")
    await an.send("/lang en")
    await an.send("/start")
    no_header, wrong, right = hooked.emu.take_updates()

    async with httpx.AsyncClient(timeout=5.0) as client:
        refused = await post(client, hooked.local_url, no_header, None)
        assert refused.status_code == 403
        refused = await post(client, hooked.local_url, wrong, SECRET[:-1] + "X")
        assert refused.status_code == 403
        # The path is the public URL's, not the token's.
        lost = await post(client, f"http://127.0.0.1:{hooked.webhook.port}/bot{TOKEN}",
                          right, SECRET)
        assert lost.status_code == 404
        accepted = await post(client, hooked.local_url, right, SECRET)
        assert accepted.status_code == 200

    welcome = await an.next_message()
    assert "Xin chào An" in welcome.text  # still Vietnamese: "/lang en" never arrived
    # One person's updates are handled in order, so a refused /help or /lang that had
    # slipped through would have been answered before this welcome.
    assert [m.text for m in an.chat] == [welcome.text]
    assert len(hooked.emu.calls_to("sendMessage")) == 1


def test_chibo_run_serves_the_webhook_when_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[WebhookSettings] = []

    async def serve(app: object, webhook: WebhookSettings | None = None,
                    startup_deadline: float | None = None) -> None:
        if webhook is None:
            pytest.fail("polled")
        served.append(webhook)

    monkeypatch.setattr("bot.runtime.app.serve", serve)
    monkeypatch.setattr("bot.core.logs.setup_logging", lambda: None)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    config = tmp_path / "config.toml"
    config.write_text(
        f'[webhook]\nurl = "{PUBLIC_URL}"\nlisten = "::1"\nport = 8443\n'
        f'secret_token = "{SECRET}"\n', encoding="utf-8")
    assert cli.cmd_run(argparse.Namespace(config=config)) == 0
    [webhook] = served
    assert (webhook.url, webhook.listen, webhook.port) == (PUBLIC_URL, "::1", 8443)
    assert webhook.secret_token.get_secret_value() == SECRET
