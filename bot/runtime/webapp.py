"""The console's web server, run inside the bot process.

An aiohttp server on ``[webapp] listen``; port 0 takes a free port (tests, the demo),
and :func:`local_url` says which.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiohttp import web

from bot.core.config import WebappSettings
from bot.core.services import Services
from handlers.context import ChiboApp
from handlers.webapp import PREFIX, web_application

log = logging.getLogger("chibo.webapp")


@dataclass
class ConsoleServer:
    runner: web.AppRunner
    host: str
    port: int

    @property
    def local_url(self) -> str:
        return f"http://{self.host}:{self.port}{PREFIX}/"

    async def stop(self) -> None:
        await self.runner.cleanup()


async def start_console(app: ChiboApp, settings: WebappSettings) -> ConsoleServer:
    def services() -> Services:
        found: Services = app.bot_data.services
        return found

    runner = web.AppRunner(web_application(services, app.bot.token), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    port = int(runner.addresses[0][1]) if runner.addresses else settings.port
    log.info("console: listening on %s:%d", settings.host, port)
    return ConsoleServer(runner, settings.host, port)


def console_url(settings: WebappSettings, server: ConsoleServer | None) -> str:
    """The address Telegram clients open: ``public_url``, else the local one."""
    if settings.public_url:
        return settings.public_url + PREFIX + "/"
    return server.local_url if server is not None else ""
