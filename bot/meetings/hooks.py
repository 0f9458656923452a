"""What the meetings feature answers for the other features (see bot.core.hooks)."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.core.hooks import MeetingCounts, provide
from bot.meetings import membership, rollcall
from bot.meetings import texts as mt
from bot.texts import Language
from storage.guests import GuestRow
from storage.meetings import AttendanceRow, InvitationRow, MeetingRow
from storage.outbox import OutgoingMessage


class _MeetingText:
    def summary(self, meeting: MeetingRow, unit_name: str, tz: ZoneInfo,
                lang: Language) -> str:
        return mt.summary(meeting, unit_name, tz, lang)

    def invitation(self, meeting: MeetingRow, unit_name: str, inv: InvitationRow,
                   tz: ZoneInfo, lang: Language) -> OutgoingMessage:
        return mt.invitation(meeting, unit_name, inv, tz, lang)

    def minutes_block(self, rows: list[AttendanceRow], counts: MeetingCounts,
                      lang: Language, guests: Sequence[GuestRow] = ()) -> str:
        return rollcall.minutes_block(rows, counts, lang, guests)


provide(membership=membership, meeting_text=_MeetingText())
