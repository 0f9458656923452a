"""The console in a real browser: the bot with ``[webapp]`` on, headless Chromium
(Debian's ``chromium`` driven by Playwright), init data signed with the emulator's token."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page, Request, async_playwright

from bot.demo.playground import TOKEN, Playground, playground
from bot.runtime.webapp import ConsoleServer
from emulator.webapp import launch_fragment, sign_init_data
from tests.conftest import ADMIN_ID, TEST_LIMITS

CHROMIUM = os.environ.get("CHIBO_CHROMIUM", "/usr/bin/chromium")
# CHIBO_SCREENSHOTS=docs/screenshots refreshes the committed ones; by default they go to
# the temporary directory, so a test run never changes the working tree.
SCREENSHOTS = Path(os.environ.get("CHIBO_SCREENSHOTS")
                   or Path(tempfile.gettempdir()) / "chibo-screenshots")
PUBLIC_URL = "https://console.example.org"
SETTINGS: dict[str, Any] = {
    "bot": {"admins": [ADMIN_ID]}, "delivery": {"read_timeout_seconds": 1.0},
    "webapp": {"enabled": True, "listen": "127.0.0.1:0", "public_url": PUBLIC_URL},
}


@asynccontextmanager
async def console_ground(database: Path, clock: Any) -> AsyncIterator[Playground]:
    async with playground(database, clock=clock, limits=TEST_LIMITS,
                          settings=SETTINGS) as ground:
        yield ground


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as driver:
        browser = await driver.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield browser
        finally:
            await browser.close()


def local_url(live_bot: Playground) -> str:
    server: ConsoleServer = live_bot.app.bot_data.webapp
    return server.local_url


def init_data(live_bot: Playground, telegram_id: int, *, age_seconds: int = 0,
              first_name: str = "Cán bộ") -> str:
    auth_date = int(live_bot.clock.now().timestamp()) - age_seconds
    return sign_init_data(TOKEN, {"id": telegram_id, "first_name": first_name}, auth_date)


async def open_page(browser: Browser, live_bot: Playground, data: str, query: str = "",
                    width: int = 360,
                    on_request: Callable[[Request], None] | None = None) -> Page:
    context = await browser.new_context(viewport={"width": width, "height": 800},
                                        locale="vi-VN")
    page = await context.new_page()
    if on_request is not None:
        page.on("requestfinished", lambda request: on_request(request))
    await page.goto(local_url(live_bot) + query + launch_fragment(data))
    return page


async def screenshot(page: Page, name: str) -> None:
    """Saved under ``SCREENSHOTS`` (docs/screenshots holds the committed ones)."""
    await page.screenshot(path=str(SCREENSHOTS / name), full_page=False)
