"""The callback context handlers receive, with typed access to the application's state."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.core.flood import FloodGate, OncePer
from bot.core.services import Services
from handlers.followups import Followups


class BotData:
    """What the handlers find in the application: one typed object, made by the
    application itself (``ContextTypes(bot_data=…)``; the runtime's ``Runtime`` derives
    from it). ``services`` and ``flood`` are set by the runtime before any update is
    handled."""

    services: Services
    flood: FloodGate

    GROUP_HINT_SECONDS = 600.0  # how often a group is told commands work in private

    def __init__(self) -> None:
        self.followups = Followups()
        self.group_hints = OncePer(self.GROUP_HINT_SECONDS)


class ChiboContext(
    CallbackContext[ExtBot[dict[str, Any]], dict[Any, Any], dict[Any, Any], BotData]
):
    @property
    def services(self) -> Services:
        return self.bot_data.services


ChiboApp = Application[
    ExtBot[dict[str, Any]], ChiboContext, dict[Any, Any], dict[Any, Any], Any, Any
]
