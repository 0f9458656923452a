"""A member's households for one month, as text and buttons.

The same card is the monthly reminder, the nudge, the ``/duties`` answer and
every later edit of them, so what a member sees is always the database's
state. Buttons are ``(label, callback data)`` pairs: handlers turn them into a
Telegram keyboard, the outbox into its own ``Button`` rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core import formatting as fmt
from bot.core.paging import clamp_page
from bot.duties.buttons import DutyButton, DutyPage
from bot.texts import Language, t
from storage.duties import DutyReport
from storage.households import Household
from storage.outbox import Button, OutgoingMessage

# Telegram refuses a keyboard of more than 100 buttons: two per household, so a card
# shows at most this many households (80 buttons), with buttons to the other pages.
PAGE_SIZE = 40
Header = Literal["reminder", "nudge", "status"]
Rows = list[list[tuple[str, str]]]
MAX_TEXT = 4000  # Telegram refuses more than 4096 characters


@dataclass(frozen=True)
class DutyLine:
    household: Household
    report: DutyReport | None


@dataclass(frozen=True)
class DutyView:
    """One member's households for one period, with what they reported."""

    person_id: int
    period: str  # YYYY-MM
    lines: list[DutyLine]

    @property
    def total(self) -> int:
        return len(self.lines)

    @property
    def reported(self) -> int:
        return sum(1 for line in self.lines if line.report is not None)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.reported == self.total

    def page_of(self, household_id: int) -> int:
        """The page (0-based) of the card that holds a household."""
        n = self.line_of(household_id)
        return (n - 1) // PAGE_SIZE if n else 0

    def line_of(self, household_id: int) -> int:
        """1-based position of a household on the card (0 when not on it)."""
        for n, line in enumerate(self.lines, start=1):
            if line.household.id == household_id:
                return n
        return 0


def address_line(household: Household, lang: Language) -> str:
    parts = []
    if household.house_number:
        parts.append(t(lang, "hh_house_number", number=household.house_number))
    parts += [p for p in (household.address, household.hamlet) if p]
    return ", ".join(parts)


def household_label(household: Household, lang: Language) -> str:
    """``Nguyễn Văn Hộ — số 12, ngõ 3, Tổ 5``"""
    where = address_line(household, lang)
    return f"{household.head_name} — {where}" if where else household.head_name


def state_text(report: DutyReport | None, lang: Language) -> str:
    if report is None:
        return t(lang, "duty_state_none")
    if report.status == "problem":
        return t(lang, "duty_state_problem", note=report.note or "…")
    return t(lang, "duty_state_normal")


def button_data(household_id: int, period: str, answer: Literal["ok", "pb"]) -> str:
    return DutyButton.of(household_id, period, answer).encode()


def page_data(page: int, period: str) -> str:
    return DutyPage.of(page, period).encode()


def card(view: DutyView, lang: Language, header: Header = "status", *,
         keep_buttons: bool = True, page: int = 0) -> tuple[str, Rows]:
    """The card's text and buttons; a complete card drops its buttons unless kept.

    More than ``PAGE_SIZE`` households: the card shows one page of them (the header
    still counts them all) and a row to the previous and next pages."""
    month = fmt.month(view.period)
    if view.complete:
        top = t(lang, "duty_header_done", count=view.total, month=month)
    elif header == "reminder":
        top = t(lang, "duty_header_reminder", count=view.total, month=month)
    elif header == "nudge":
        top = t(lang, "duty_header_nudge", missing=view.total - view.reported, month=month)
    else:
        top = t(lang, "duty_header_status", reported=view.reported, count=view.total,
                month=month)
    page, pages = clamp_page(view.total, page, PAGE_SIZE)
    first = page * PAGE_SIZE
    shown = list(enumerate(view.lines, start=1))[first:first + PAGE_SIZE]
    if pages > 1:
        top += "\n" + t(lang, "report_page", page=page + 1, pages=pages)
    text = _text(top, shown, lang, full=True)
    if len(text) > MAX_TEXT:  # long addresses: heads' names only
        text = _text(top, shown, lang, full=False)[:MAX_TEXT]
    rows: Rows = []
    for n, line in shown:
        status = line.report.status if line.report else None
        hid = line.household.id
        rows.append([
            (t(lang, "duty_btn_normal_on" if status == "normal" else "duty_btn_normal", n=n),
             button_data(hid, view.period, "ok")),
            (t(lang, "duty_btn_problem_on" if status == "problem" else "duty_btn_problem", n=n),
             button_data(hid, view.period, "pb")),
        ])
    if pages > 1:
        nav = []
        if page > 0:
            nav.append((t(lang, "btn_prev"), page_data(page - 1, view.period)))
        if page + 1 < pages:
            nav.append((t(lang, "btn_next"), page_data(page + 1, view.period)))
        rows.append(nav)
    if view.complete and not keep_buttons:
        rows = []
    return text, rows


def _text(top: str, shown: list[tuple[int, DutyLine]], lang: Language, *, full: bool) -> str:
    lines = [top]
    for n, line in shown:
        name = household_label(line.household, lang) if full else line.household.head_name
        lines.append(t(lang, "duty_line", n=n, household=name,
                       state=state_text(line.report, lang)))
    return "\n".join(lines)


def as_outgoing(text: str, rows: Rows) -> OutgoingMessage:
    return OutgoingMessage(text, tuple(tuple(Button(label, data) for label, data in row)
                                       for row in rows))
