"""What one feature asks of another, as a small interface.

The feature packages (members, meetings, duties, reports, notices) never import each
other; a contract in pyproject.toml checks it. Where one must reach another (a member
who joins is invited to the branch's upcoming meetings; a corrected roll call or a dues
payment re-checks the branch's warnings; a report shows a meeting the way the meetings
feature writes it), the caller asks ``hook(Kind)`` for an interface declared here and
the feature that answers provides it from its own ``hooks`` module
(``bot/<feature>/hooks.py``). Those modules are found by listing the ``bot`` package the
first time a hook is asked for, so a caller needs no wiring and no feature imports
another.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from bot.core.services import Services
    from bot.texts import Language
    from storage.guests import GuestRow
    from storage.meetings import AttendanceRow, InvitationRow, MeetingRow
    from storage.outbox import OutgoingMessage
    from storage.units import UnitRow


@dataclass(frozen=True, slots=True)
class MeetingCounts:
    """The members of one held meeting by roll-call outcome, as the ledger counts them."""

    present: int = 0
    excused: int = 0
    unexcused: int = 0

    @property
    def absent(self) -> int:
        return self.excused + self.unexcused

    @property
    def total(self) -> int:
        return self.present + self.absent


class Membership(Protocol):
    """Meetings follow membership (answered by the meetings feature)."""

    async def invite_to_upcoming(self, services: Services, person_id: int,
                                 unit_id: int) -> list[MeetingRow]: ...

    async def send_invitations_to(self, services: Services, person_id: int,
                                  meetings: list[MeetingRow] | None = None) -> int: ...

    async def invited_upcoming(self, services: Services, person_id: int,
                               unit_id: int) -> list[MeetingRow]: ...

    async def after_transfer(self, services: Services, person_id: int, full_name: str,
                             old: UnitRow, new: UnitRow,
                             withdrawn: list[MeetingRow]) -> None: ...


class MeetingText(Protocol):
    """How a meeting reads (answered by the meetings feature)."""

    def summary(self, meeting: MeetingRow, unit_name: str, tz: ZoneInfo,
                lang: Language) -> str: ...

    def invitation(self, meeting: MeetingRow, unit_name: str, inv: InvitationRow,
                   tz: ZoneInfo, lang: Language) -> OutgoingMessage: ...

    def minutes_block(self, rows: list[AttendanceRow], counts: MeetingCounts,
                      lang: Language, guests: Sequence[GuestRow] = ()) -> str: ...


class Figures(Protocol):
    """The ledger's verdicts (answered by the reports feature)."""

    async def review_branch(self, services: Services, unit: UnitRow) -> None:
        """Warn now, or withdraw a warning whose cause was corrected."""

    async def dues_states(self, services: Services, person_id: int,
                          year: int) -> dict[str, str]:
        """The dues state of each month of the person's year."""

    async def meeting_counts(self, services: Services, meeting_id: int) -> MeetingCounts:
        """The members of one meeting by outcome (the minutes' and /report meeting's)."""


_provided: dict[str, object] = {}


def provide(*, membership: Membership | None = None, meeting_text: MeetingText | None = None,
            figures: Figures | None = None) -> None:
    """Called by a feature's ``hooks`` module with the interfaces it answers."""
    offered = {"membership": membership, "meeting_text": meeting_text, "figures": figures}
    _provided.update({name: impl for name, impl in offered.items() if impl is not None})


def membership() -> Membership:
    return cast("Membership", _provider("membership"))


def meeting_text() -> MeetingText:
    return cast("MeetingText", _provider("meeting_text"))


def figures() -> Figures:
    return cast("Figures", _provider("figures"))


def _provider(name: str) -> object:
    if name not in _provided:
        _discover()
    try:
        return _provided[name]
    except KeyError:
        raise LookupError(f"no feature provides the {name} hook") from None


def _discover() -> None:
    """Import every ``bot/<package>/hooks.py`` (each registers what it provides)."""
    import bot

    for package in pkgutil.iter_modules(bot.__path__):
        if package.ispkg and (Path(bot.__path__[0]) / package.name / "hooks.py").is_file():
            importlib.import_module(f"bot.{package.name}.hooks")
