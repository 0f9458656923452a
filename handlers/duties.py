"""/duties, the report buttons of the monthly reminder, and a problem's note."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Update
from telegram.error import BadRequest

from bot.core import inputs
from bot.core.inputs import Pending
from bot.duties import reports as svc
from bot.duties.buttons import DutyButton, DutyPage
from bot.duties.card import DutyView, card, household_label
from handlers.base import Asker, Taps, asker, markup
from handlers.context import ChiboContext
from handlers.inputs import ask_for, route

log = logging.getLogger("chibo.duties")

# The buttons are built in bot.duties.card: the outbox sends them on the reminder too.
Ref = tuple[int, int]  # (chat id, message id)


@dataclass(frozen=True)
class DutyNote(Pending, kind="duty_note"):
    """The note on a household's problem; ``message``: the card tapped, to update."""

    household: int
    period: str  # yyyy-mm
    message: Ref | None = None


async def my_duties(update: Update, context: ChiboContext) -> None:
    who = await asker(update, context)
    view = await svc.my_duties(who.services, who.actor)
    if not view.lines:
        await who.say(who.texts("duty_none"))
        return
    text, rows = card(view, who.texts.lang)
    await who.say(text, rows)


def _tapped(who: Asker) -> Ref | None:
    message = who.query.message if who.query is not None else None
    return (message.chat.id, message.message_id) if message is not None else None


TAPS = Taps(DutyButton.PREFIX)


@TAPS.on(DutyPage)
async def _turn_page(who: Asker, button: DutyPage) -> None:
    """Another page of the member's own card (the page number is clamped, the view is
    read for the caller alone: nothing in the button is trusted)."""
    view = await svc.card_page(who.services, who.actor, button.period)
    reminders = await svc.card_messages(who.services, view.person_id, view.period)
    text, rows = card(view, who.texts.lang, page=button.page,
                      keep_buttons=_tapped(who) not in reminders)
    await who.show(text, rows)


@TAPS.on(DutyButton)
async def _report(who: Asker, button: DutyButton) -> None:
    household_id, period = button.household, button.period
    if button.status == "problem":
        household = await svc.reportable(who.services, who.actor, household_id, period)
        await who.toast()
        tapped = _tapped(who)
        await ask_for(who, DutyNote(household.id, period, tapped),
                      who.texts("duty_ask_note", household=household_label(
                          household, who.texts.lang), limit=svc.MAX_NOTE))
        return
    view, household = await svc.report(who.services, who.actor, household_id, period, "normal")
    waiting = await inputs.waiting_as(who.services, who.user_id, DutyNote)
    if waiting and waiting.household == household.id:
        await inputs.forget(who.services, who.user_id, DutyNote)  # changed their mind
    await _refresh(who, view, _tapped(who),
                   toast=who.texts("duty_saved_normal", n=view.line_of(household.id)),
                   household_id=household.id)


@route(DutyNote)
async def _note(who: Asker, pending: DutyNote, text: str) -> None:
    view, household = await svc.report(who.services, who.actor, pending.household,
                                       pending.period, "problem", text)
    await inputs.forget(who.services, who.user_id, DutyNote)
    await who.say(who.texts("duty_note_saved",
                            household=household_label(household, who.texts.lang)))
    await _refresh(who, view, pending.message, household_id=household.id)


async def _refresh(who: Asker, view: DutyView, tapped: Ref | None,
                   toast: str | None = None, household_id: int | None = None) -> None:
    """Show the new state on the tapped message and on the month's reminder and nudge.

    A /duties message keeps its buttons (to change an answer); the reminder and the
    nudge lose them once everything is reported and just say thank you."""
    reminders = await svc.card_messages(who.services, view.person_id, view.period)
    lang = who.texts.lang
    by_tap = tapped if who.query is not None else None  # edited as the answer to the tap
    # Every copy shows the page of the household just reported (a long card is paged).
    page = view.page_of(household_id) if household_id is not None else 0
    if by_tap is not None:
        text, rows = card(view, lang, keep_buttons=by_tap not in reminders, page=page)
        await who.show(text, rows, toast=toast)
    targets = [*reminders, *([tapped] if tapped is not None and tapped not in reminders else [])]
    copies = [r for r in targets if r != by_tap]

    async def edit_copies() -> None:
        for chat_id, message_id in copies:
            text, rows = card(view, lang, keep_buttons=(chat_id, message_id) not in reminders,
                              page=page)
            try:
                await who.update.get_bot().edit_message_text(
                    text, chat_id=chat_id, message_id=message_id, reply_markup=markup(rows))
            except BadRequest as err:  # not modified, deleted by the member, too old
                log.debug("duty card %s/%s not edited: %s", chat_id, message_id, err.message)

    await who.then(edit_copies)
    await who.toast(toast)
