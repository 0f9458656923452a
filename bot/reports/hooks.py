"""What the reports feature answers for the other features (see bot.core.hooks)."""

from __future__ import annotations

from bot.core.hooks import MeetingCounts, provide
from bot.core.services import Services
from bot.reports import jobs, ledger, service
from storage import meetings as meeting_store
from storage.units import UnitRow


class _Figures:
    async def review_branch(self, services: Services, unit: UnitRow) -> None:
        await jobs.review_branch(services, unit)

    async def dues_states(self, services: Services, person_id: int,
                          year: int) -> dict[str, str]:
        """paid | unpaid | unrecorded (due, none recorded, the branch keeps no dues that
        month) | not_due; months outside every membership are left out."""
        book = await ledger.load(services.db, [], year, services.clock.now(), services.tz,
                                 services.config.dues.due_day, person_id)
        return {pm.month: pm.dues for pm in book.person_months(person_id)
                if pm.dues != "none"}

    async def meeting_counts(self, services: Services, meeting_id: int) -> MeetingCounts:
        meeting = await meeting_store.get(services.db, meeting_id)
        if meeting is None:
            return MeetingCounts()
        return await service.meeting_counts(services, meeting)


provide(figures=_Figures())
