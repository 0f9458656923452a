"""Party dues on a member's card: the year's months, a tap marks one paid or unpaid."""

from __future__ import annotations

from bot.core import formatting as fmt
from bot.members import dues as svc
from bot.members.buttons import DuesButton, DuesMonth, DuesYear, MemberAction, MemberButton
from handlers.base import Asker, ButtonRow, Taps


def _render(who: Asker, view: svc.DuesCard) -> tuple[str, list[ButtonRow]]:
    texts = who.texts
    paid = view.months_in("paid")
    unpaid = [fmt.month(m) for m in view.months_in("unpaid", "unrecorded")]
    text = texts("dues_card", name=view.member.full_name, year=view.year,
                 paid=fmt.ratio(len(paid), len(paid) + len(unpaid), texts.lang),
                 unpaid=", ".join(unpaid) or "—")
    not_due = view.months_in("not_due")
    if not_due:
        text += "\n" + texts("dues_not_due", months=", ".join(fmt.month(m) for m in not_due))
    mid = view.member.membership_id
    buttons = [(("✅ " if m in view.paid else "▫️ ") + m[5:] + "/" + m[:4],
                DuesMonth(mid, m.replace("-", "")).encode()) for m in view.months]
    rows: list[ButtonRow] = [buttons[i:i + 3] for i in range(0, len(buttons), 3)]
    turn = [(f"« {view.previous_year}", DuesYear(mid, str(view.previous_year)).encode())
            if view.previous_year else None,
            (f"{view.next_year} »", DuesYear(mid, str(view.next_year)).encode())
            if view.next_year else None]
    rows.append([b for b in turn if b is not None])
    rows.append([(texts("btn_back_card"), MemberButton(MemberAction.OPEN, mid).encode())])
    return text, rows


TAPS = Taps(DuesButton.PREFIX)


@TAPS.on(DuesButton)
async def _open(who: Asker, button: DuesButton) -> None:
    await _show(who, await svc.card(who.services, who.actor, button.membership))


@TAPS.on(DuesYear)
async def _year(who: Asker, button: DuesYear) -> None:
    await _show(who, await svc.card(who.services, who.actor, button.membership,
                                    int(button.year)))


@TAPS.on(DuesMonth)
async def _month(who: Asker, button: DuesMonth) -> None:
    await _show(who, await svc.toggle(who.services, who.actor, button.membership,
                                      button.period))


async def _show(who: Asker, view: svc.DuesCard) -> None:
    text, rows = _render(who, view)
    await who.show(text, rows)
