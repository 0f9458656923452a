"""/start (without an invite), /help and /lang."""

from __future__ import annotations

from telegram import Update

from bot.core.access import Actor
from bot.core.permissions import Permission, branches_where, committees_where, may
from bot.texts import LANGUAGES, Texts, as_language, t
from handlers.base import answer_query, asker
from handlers.console import sync_menu
from handlers.context import ChiboContext


def help_text(actor: Actor, texts: Texts) -> str:
    parts = [texts("help_header"), texts("help_everyone")]
    if not actor.registered and not may(actor, Permission.ADMIN_UNITS):
        parts.append(texts("help_unregistered"))
    # The sections of the commands this person may use, as bot.core.permissions says.
    if branches_where(actor, Permission.MANAGE_MEMBERS):
        parts.append(texts("help_officer"))
    if committees_where(actor, Permission.ASSIGN_FOLLOWERS):
        parts.append(texts("help_committee"))
    if may(actor, Permission.ADMIN_UNITS):
        parts.append(texts("help_admin"))
    return "\n\n".join(parts)


async def start(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    await sync_menu(who)
    if who.actor.registered:
        await who.say(who.texts("welcome_back", name=who.actor.full_name))
    else:
        user = update.effective_user
        await who.say(who.texts("welcome", name=user.full_name if user else ""))


async def show_help(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    await sync_menu(who)
    await who.say(help_text(who.actor, who.texts))


async def set_language(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    choice = (context.args or [""])[0].strip().lower()
    if choice not in LANGUAGES:
        await who.say(who.texts("lang_usage"))
        return
    lang = as_language(choice)
    await who.services.set_language(who.user_id, lang)
    await who.say(Texts(lang)("lang_set"))


async def _answer(update: Update, context: ChiboContext, key: str) -> None:
    who = await asker(update, context)
    await who.say(who.texts(key))


async def unknown_command(update: Update, context: ChiboContext) -> None:
    await _answer(update, context, "unknown_command")


async def group_command(update: Update, context: ChiboContext) -> None:
    """A command typed in a group (other than /linkgroup): say once in a while that
    commands work in the private chat; never a word of anyone's data in the group."""
    message = update.effective_message
    if message is None or not message.text:
        return
    _, _, addressed = message.text.split()[0].partition("@")
    if addressed and addressed.lower() != (context.bot.username or "").lower():
        return  # meant for another bot of the group
    if not context.bot_data.group_hints.allow(message.chat_id):
        return
    await message.reply_text(t(context.services.config.bot.language, "private_only"))


async def not_understood(update: Update, context: ChiboContext) -> None:
    await _answer(update, context, "not_understood")


async def stale_button(update: Update, context: ChiboContext) -> None:
    """A button nobody handles (an old message, forged data): say so, change nothing."""
    query = update.callback_query
    if query is None or query.from_user is None:
        return
    texts = await context.services.texts(query.from_user.id)
    await answer_query(query, texts("button_expired"))


async def edited(update: Update, context: ChiboContext) -> None:
    """An edited message is not acted on again; say so rather than stay silent."""
    await _answer(update, context, "edited_ignored")
