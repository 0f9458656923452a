"""What the running application keeps: one typed object, the application's
``bot_data`` (``ContextTypes(bot_data=Runtime)``), instead of string keys."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.ext import Application, ExtBot

from bot.core.clock import Clock
from bot.core.config import Config
from bot.runtime.cluster import Cluster
from bot.runtime.delivery import Sender
from bot.runtime.delivery.limits import Throttle
from bot.runtime.inbox import Inbox
from bot.runtime.webapp import ConsoleServer
from bot.runtime.zalo.channel import ZaloChannel
from handlers.context import BotData, ChiboContext


class Runtime(BotData):
    """The handlers' state (``BotData``) and the runtime's own: ``config`` to ``inbox``
    are set when the application is built, the rest when it starts (None until then,
    or when not used: the console, Zalo, a cluster of workers)."""

    config: Config
    clock: Clock
    tick_seconds: float | None
    throttle: Throttle
    inbox: Inbox

    def __init__(self) -> None:
        super().__init__()
        self.outbox_bot: ExtBot[None] | None = None
        self.sender: Sender | None = None
        self.menus: asyncio.Task[None] | None = None
        self.webapp: ConsoleServer | None = None
        self.zalo: ZaloChannel | None = None
        self.cluster: Cluster | None = None


RuntimeApp = Application[
    ExtBot[dict[str, Any]], ChiboContext, dict[Any, Any], dict[Any, Any], Runtime, Any
]
