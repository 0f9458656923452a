"""The callback context handlers receive, with typed access to the services."""

from __future__ import annotations

from typing import Any, cast

from telegram.ext import Application, CallbackContext, ExtBot

from bot.core.services import Services


class ChiboContext(
    CallbackContext[ExtBot[dict[str, Any]], dict[Any, Any], dict[Any, Any], dict[Any, Any]]
):
    @property
    def services(self) -> Services:
        return cast(Services, self.application.bot_data["services"])


ChiboApp = Application[
    ExtBot[dict[str, Any]], ChiboContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
