"""One text a member wrote on Zalo, answered with one text.

The same domain functions the Telegram buttons call record the answers
(``bot.meetings.service.answer``, ``bot.duties.reports.report``), so a problem reaches
the officers and an absence reaches the report exactly as from Telegram.
"""

from __future__ import annotations

from bot.core import formatting as fmt
from bot.core import labels
from bot.core.access import Actor
from bot.core.errors import AppError
from bot.core.services import Services
from bot.duties import reports as duty_reports
from bot.duties.card import household_label
from bot.meetings import service as meetings
from bot.meetings import texts as mt
from bot.texts import Language, as_language, t
from bot.zalo import codes, linking
from bot.zalo.replies import Reply, read
from storage import prefs, roles
from storage import zalo as store
from storage.meetings import MeetingRow, Upcoming
from storage.zalo import ZaloPerson


async def language_of(services: Services, zalo_user_id: str,
                      person: ZaloPerson | None) -> Language:
    """The person's language (one for both channels); before linking, the Zalo
    account's own choice."""
    if person is not None:
        return await services.language_of(person.id)
    return as_language(await prefs.zalo_language(services.db, zalo_user_id),
                       services.config.bot.language)


async def actor_of(services: Services, person: ZaloPerson) -> Actor:
    """The person behind a Zalo account, as the domain's permission checks see them."""
    if person.telegram_user_id is not None:
        return await services.actor(person.telegram_user_id)
    homes = await roles.active_memberships(services.db, person.id)
    return Actor(telegram_user_id=0, person_id=person.id, full_name=person.full_name,
                 branch_roles={m.unit_id: m.role for m in homes})


async def answer(services: Services, zalo_user_id: str, text: str) -> str:
    """The reply to ``text`` from ``zalo_user_id``; never empty (never silence)."""
    person = await store.person_by_zalo(services.db, zalo_user_id)
    lang = await language_of(services, zalo_user_id, person)
    try:
        return await _answer(services, zalo_user_id, person, read(text), text, lang)
    except AppError as err:
        return t(lang, err.key, **err.params)


async def _answer(services: Services, zalo_user_id: str, person: ZaloPerson | None,
                  reply: Reply, text: str, lang: Language) -> str:
    if reply.folded == "1" and await store.pending(services.db, zalo_user_id) is not None:
        linked = await linking.confirm(services, zalo_user_id)
        if linked is not None:
            return t(lang, "zalo_linked", name=linked.full_name, unit=linked.unit_name)
    if codes.normalize(text) is not None and not reply.numbers:
        seen = await linking.offer(services, zalo_user_id, text)
        return t(lang, "zalo_confirm_ask", name=seen.full_name, unit=seen.unit_name)
    if reply.language is not None:  # linked or not yet: the code prompt reads it too
        chosen = as_language(reply.language)
        await prefs.set_zalo_language(services.db, zalo_user_id, chosen)
        return t(chosen, "zalo_lang_set" if person is not None else "zalo_lang_set_unlinked")
    if person is None:
        return t(lang, "zalo_not_linked")
    if reply.is_help:
        return t(lang, "zalo_help")
    if reply.channel is not None:
        return await _switch(services, person, reply.channel, lang)
    actor = await actor_of(services, person)
    if reply.nudge is not None:  # the officers' digest: the role is checked by the domain
        count = await meetings.nudge_unanswered(services, actor, reply.nudge)
        return t(lang, "nudge_done", count=count)
    if reply.all_ok:
        return await _all_normal(services, actor, lang)
    if reply.one_ok is not None:
        return await _household(services, actor, reply.one_ok, None, lang)
    if reply.numbers:
        found = await _rsvp(services, actor, person, reply, lang)
        if found is not None:
            return found
        if reply.rest:
            return await _household(services, actor, reply.numbers[0], reply.rest, lang)
    return t(lang, "zalo_hint")


async def _switch(services: Services, person: ZaloPerson, channel: str, lang: Language) -> str:
    if channel == "telegram" and person.telegram_user_id is None:
        return t(lang, "zalo_channel_no_telegram")
    await store.set_channel(services.db, person.id, channel)
    return t(lang, labels.ZALO_CHANNEL[channel])


# --- invitations --------------------------------------------------------------------------


def _label(meeting: MeetingRow, unit_name: str, services: Services, lang: Language) -> str:
    kind = t(lang, labels.MEETING_KIND[meeting.kind], unit=unit_name)
    return f"{kind} ({mt.when(meeting, services.tz, lang)})"


async def _open(services: Services, actor: Actor) -> list[Upcoming]:
    """The meetings a bare "1" or "2 …" may mean: those not answered yet, else every
    upcoming one (to change an answer)."""
    upcoming = await meetings.my_meetings(services, actor)
    unanswered = [u for u in upcoming if u.invitation.answer is None]
    return unanswered or upcoming


async def _rsvp(services: Services, actor: Actor, person: ZaloPerson, reply: Reply,
                lang: Language) -> str | None:
    """An answer to an invitation, or None when the reply is not one."""
    upcoming = await _open(services, actor)
    ids = {m.id for m, _ in await meetings.my_meetings(services, actor)}
    numbers = reply.numbers
    if len(numbers) == 2 and numbers[0] in ids and numbers[1] in (1, 2):
        return await _record(services, actor, numbers[0], numbers[1], reply.rest, lang)
    if len(numbers) == 1 and numbers[0] in (1, 2) and not reply.rest and not upcoming:
        return t(lang, "zalo_rsvp_none")
    if numbers[0] in (1, 2) and upcoming and not (numbers[0] == 1 and reply.rest
                                                     and await _has_card(services, actor)):
        if len(numbers) > 1:
            return None
        if len(upcoming) == 1:
            return await _record(services, actor, upcoming[0].meeting.id, numbers[0], reply.rest,
                                 lang)
        lines = [t(lang, "zalo_rsvp_which", example=f"{upcoming[0].meeting.id} {numbers[0]}")]
        for meeting, _ in upcoming:
            unit_name = await meetings.unit_name(services, meeting.unit_id)
            lines.append(t(lang, "zalo_rsvp_line", n=meeting.id,
                           meeting=_label(meeting, unit_name, services, lang)))
        return "\n".join(lines)
    return None


async def _record(services: Services, actor: Actor, meeting_id: int, choice: int, rest: str,
                  lang: Language) -> str:
    if choice == 2 and not rest:
        return t(lang, "zalo_rsvp_reason")
    done = await meetings.answer(services, actor, meeting_id,
                                 "attend" if choice == 1 else "absent", rest or None)
    label = _label(done.meeting, done.unit_name, services, lang)
    if choice == 1:
        return t(lang, "zalo_rsvp_attend", meeting=label)
    return t(lang, "zalo_rsvp_absent", meeting=label, reason=done.invitation.reason or "")


# --- households ---------------------------------------------------------------------------


async def _has_card(services: Services, actor: Actor) -> bool:
    try:
        return bool((await duty_reports.my_duties(services, actor)).lines)
    except AppError:
        return False


async def _all_normal(services: Services, actor: Actor, lang: Language) -> str:
    """"ok": every household not reported yet this month is normal (a problem reported
    earlier stays; "N ok" clears it)."""
    view = await duty_reports.my_duties(services, actor)
    if not view.lines:
        return t(lang, "zalo_duty_none")
    todo = [line.household.id for line in view.lines if line.report is None]
    if not todo:
        return t(lang, "zalo_duty_done", month=fmt.month(view.period))
    for household_id in todo:
        await duty_reports.report(services, actor, household_id, view.period, "normal")
    return t(lang, "zalo_duty_all", count=fmt.number(len(todo), lang),
             month=fmt.month(view.period))


async def _household(services: Services, actor: Actor, n: int, note: str | None,
                     lang: Language) -> str:
    view = await duty_reports.my_duties(services, actor)
    if not view.lines:
        return t(lang, "zalo_duty_none") if note is None else t(lang, "zalo_hint")
    if not 1 <= n <= view.total:
        return t(lang, "zalo_duty_no_such", n=n, count=view.total)
    household = view.lines[n - 1].household
    status = "normal" if note is None else "problem"
    await duty_reports.report(services, actor, household.id, view.period, status, note)
    label = household_label(household, lang)
    key = "zalo_duty_one" if note is None else "zalo_duty_problem"
    return t(lang, key, n=n, household=label)
