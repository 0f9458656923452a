"""The console opened from the chat: ``web_app`` buttons and the officer's menu button.

Only officers (as :func:`bot.console.service.may_use` says) in a private chat, and only
with ``[webapp] enabled`` and an https ``public_url``: Telegram opens Mini Apps in
private chats alone, and a member who holds no office sees nothing of it.
"""

from __future__ import annotations

import logging

from telegram import MenuButtonDefault, MenuButtonWebApp, WebAppInfo
from telegram.error import TelegramError

from bot.console.links import console_link
from bot.console.service import may_use
from handlers.base import Asker, ButtonRow, WebAppUrl

log = logging.getLogger("chibo.webapp")


def _private(who: Asker) -> bool:
    chat = who.update.effective_chat
    return chat is not None and chat.type == "private"


async def console_row(who: Asker, label_key: str, **query: str | int) -> list[ButtonRow]:
    """One row with the console button for this screen, or none."""
    link = console_link(who.services.config, **query)
    if link is None or not _private(who) or not may_use(who.actor):
        return []
    await sync_menu(who)
    return [[(who.texts(label_key), WebAppUrl(link))]]


async def sync_menu(who: Asker) -> None:
    """The chat's menu button opens the console for an officer, and is the default for
    anyone else (an officer who left office loses it). Once per chat and process;
    cosmetic, so a failure is logged and never raised."""
    link = console_link(who.services.config)
    if link is None or not _private(who):
        return
    wanted = may_use(who.actor)
    known = who.services.console_menus
    if known.get(who.user_id, False) == wanted:
        return
    button = (MenuButtonWebApp(who.texts("console_menu_button"), WebAppInfo(link))
              if wanted else MenuButtonDefault())
    try:
        await who.update.get_bot().set_chat_menu_button(chat_id=who.user_id,
                                                        menu_button=button)
    except TelegramError as err:
        log.warning("could not set the console menu button: %s", err)
        return
    known[who.user_id] = wanted
