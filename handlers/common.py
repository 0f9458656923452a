"""/start (without an invite), /help and /lang."""

from __future__ import annotations

from telegram import Update

from bot.access import Actor
from bot.texts import LANGUAGES, Texts, as_language
from handlers.base import answer_query
from handlers.context import ChiboContext


def help_text(actor: Actor, texts: Texts) -> str:
    parts = [texts("help_header"), texts("help_everyone")]
    if not actor.registered and not actor.is_admin:
        parts.append(texts("help_unregistered"))
    if actor.is_branch_officer:
        parts.append(texts("help_officer"))
    if actor.is_committee_officer:
        parts.append(texts("help_committee"))
    if actor.is_admin:
        parts.append(texts("help_admin"))
    return "\n\n".join(parts)


async def start(update: Update, context: ChiboContext) -> None:
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    services = context.services
    texts = await services.texts(user.id)
    actor = await services.actor(user.id)
    if actor.registered:
        await message.reply_text(texts("welcome_back", name=actor.full_name))
    else:
        await message.reply_text(texts("welcome", name=user.full_name))


async def show_help(update: Update, context: ChiboContext) -> None:
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    services = context.services
    texts = await services.texts(user.id)
    await message.reply_text(help_text(await services.actor(user.id), texts))


async def set_language(update: Update, context: ChiboContext) -> None:
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    services = context.services
    choice = (context.args or [""])[0].strip().lower()
    if choice not in LANGUAGES:
        texts = await services.texts(user.id)
        await message.reply_text(texts("lang_usage"))
        return
    lang = as_language(choice)
    await services.set_language(user.id, lang)
    await message.reply_text(Texts(lang)("lang_set"))


async def unknown_command(update: Update, context: ChiboContext) -> None:
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    texts = await context.services.texts(user.id)
    await message.reply_text(texts("unknown_command"))


async def not_understood(update: Update, context: ChiboContext) -> None:
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    texts = await context.services.texts(user.id)
    await message.reply_text(texts("not_understood"))


async def stale_button(update: Update, context: ChiboContext) -> None:
    """A button nobody handles (an old message, forged data): say so, change nothing."""
    query = update.callback_query
    if query is None or query.from_user is None:
        return
    texts = await context.services.texts(query.from_user.id)
    await answer_query(query, texts("button_expired"))


async def edited(update: Update, context: ChiboContext) -> None:
    """An edited message is not acted on again; say so rather than stay silent."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    texts = await context.services.texts(user.id)
    await context.bot.send_message(message.chat.id, texts("edited_ignored"))
