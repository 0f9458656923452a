"""An independent statement of the "Records over time" rules (docs/rules.md), for the property
test of the ledger (tests/unit/test_ledger_model.py): plain, slow, obviously correct
Python over the list of events a history went through. It shares no code with the bot
(standard library only): a figure the bot shows must equal the one computed here.

The rules, as docs/rules.md states them:
- a meeting counts for a person in a branch only inside the membership (from its start,
  before its end) and on or after the branch's record start;
- a month belongs to the membership held at its end, and only from the first month that
  begins on or after the record start;
- only a closed roll call makes a meeting held; a past meeting without one is not
  confirmed; the current month is never missing before it ends;
- a "213" membership is a relation: shown, outside the rate, not judged, owes no dues;
- the rate counts members without a standing (away, exempt, 213) when invited;
- dues: owed to the branch of the month's end unless away or exempt; unpaid only after
  the due day of the next month, and only where the branch keeps dues for that month;
- the 3-month rule: per person and calendar year across all memberships, a month once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DUE_DAY = 10
SETUP_DAYS = 7


@dataclass
class MMembership:
    person: int
    branch: int
    start: datetime
    end: datetime | None = None
    state: str = "active"
    is_213: bool = False
    away: bool = False


@dataclass
class MMeeting:
    id: int
    branch: int
    kind: str
    starts: datetime
    state: str = "scheduled"
    invited: dict[int, str | None] = field(default_factory=dict)  # person -> standing
    marks: dict[int, str] = field(default_factory=dict)


@dataclass
class Model:
    created: dict[int, datetime] = field(default_factory=dict)  # branch -> set up at
    record_start: dict[int, date] = field(default_factory=dict)
    memberships: list[MMembership] = field(default_factory=list)
    meetings: dict[int, MMeeting] = field(default_factory=dict)
    paid: set[tuple[int, int, str]] = field(default_factory=set)  # person, branch, month
    now: datetime = datetime(2000, 1, 1, tzinfo=UTC)

    # --- events ---------------------------------------------------------------------------

    def active(self, person: int, branch: int | None = None) -> MMembership | None:
        for m in self.memberships:
            if m.person == person and m.state == "active" and (branch is None
                                                                or m.branch == branch):
                return m
        return None

    def join(self, person: int, branch: int, start: datetime, is_213: bool = False,
             away: bool = False) -> None:
        self.memberships.append(MMembership(person, branch, start, is_213=is_213, away=away))

    def end(self, person: int, branch: int, state: str) -> None:
        m = self.active(person, branch)
        assert m is not None
        m.state, m.end = state, self.now

    def transfer(self, person: int, source: int, target: int) -> None:
        m = self.active(person, source)
        assert m is not None
        self.end(person, source, "transferred")
        there = self.active(person, target)
        if there is not None:  # a "213" relation there becomes what the moved one was
            there.is_213 = m.is_213
        else:  # a new period, also when coming back to a branch they left: one person
            there = MMembership(person, target, self.now, is_213=m.is_213, away=m.away)
            self.memberships.append(there)
        # Transferred in: invited at once to the branch's upcoming meetings.
        for meeting in self.meetings.values():
            if (meeting.branch == target and meeting.state == "scheduled"
                    and meeting.starts > self.now and person not in meeting.invited):
                meeting.invited[person] = self.standing(there)

    def standing(self, m: MMembership) -> str | None:
        return "away" if m.away else "213" if m.is_213 else None

    def create_meeting(self, meeting_id: int, branch: int, kind: str, starts: datetime) -> None:
        invited = {m.person: self.standing(m) for m in self.memberships
                   if m.branch == branch and m.state == "active"}
        self.meetings[meeting_id] = MMeeting(meeting_id, branch, kind, starts, invited=invited)

    def move_record_start(self, branch: int, day: date) -> None:
        old = self.record_start[branch]
        self.record_start[branch] = day
        if day < old:  # the founders (there in the set-up week) start with the record
            new_start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            until = self.created[branch] + timedelta(days=SETUP_DAYS)
            for m in self.memberships:
                if m.branch == branch and new_start < m.start < until:
                    m.start = new_start

    # --- facts ----------------------------------------------------------------------------

    def today(self) -> date:
        return self.now.astimezone(TZ).date()

    def months(self, year: int) -> list[str]:
        today = self.today()
        if year > today.year:
            return []
        last = 12 if year < today.year else today.month
        return [f"{year}-{n:02d}" for n in range(1, last + 1)]

    def local(self, instant: datetime) -> date:
        return instant.astimezone(TZ).date()

    def month_of(self, instant: datetime) -> str:
        return self.local(instant).strftime("%Y-%m")

    def meeting_counts_for(self, m: MMembership, meeting: MMeeting) -> bool:
        if m.branch != meeting.branch or m.person not in meeting.invited:
            return False
        if meeting.starts < m.start or (m.end is not None and meeting.starts >= m.end):
            return False
        return self.local(meeting.starts) >= self.record_start[meeting.branch]

    def in_year(self, meeting: MMeeting, year: int) -> bool:
        return self.local(meeting.starts).year == year

    def outcome(self, meeting: MMeeting, person: int) -> str | None:
        if meeting.state == "closed":
            return meeting.marks.get(person)
        if meeting.state == "scheduled" and meeting.starts <= self.now:
            return "unconfirmed"
        return None

    def counts(self, periods: list[MMembership], year: int) -> dict[str, int]:
        """present / excused / unexcused / counted_present / counted_invited of a person's
        periods in one branch."""
        result = dict.fromkeys(("present", "excused", "unexcused", "cp", "ci"), 0)
        for m in periods:
            for meeting in self.meetings.values():
                if not self.in_year(meeting, year) or not self.meeting_counts_for(m, meeting):
                    continue
                status = self.outcome(meeting, m.person)
                if status in ("present", "excused", "unexcused"):
                    result[status] += 1
                    if meeting.invited[m.person] is None and not m.is_213:
                        result["ci"] += 1
                        result["cp"] += status == "present"
        return result

    def first_month(self, m: MMembership) -> str:
        rs = self.record_start[m.branch]
        if rs.day != 1:
            rs = date(rs.year + rs.month // 12, rs.month % 12 + 1, 1)
        return max(self.month_of(m.start), rs.strftime("%Y-%m"))

    def last_month(self, m: MMembership) -> str | None:
        if m.end is None:
            return None
        end = self.local(m.end).replace(day=1) - timedelta(days=1)
        return end.strftime("%Y-%m")

    def holds(self, m: MMembership, month: str) -> bool:
        last = self.last_month(m)
        return self.first_month(m) <= month and (last is None or month <= last)

    def dues_state(self, person: int, month: str) -> str:
        held = [m for m in self.memberships
                if m.person == person and not m.is_213 and self.holds(m, month)]
        if not held:
            return "none"
        m = max(held, key=lambda x: x.start)
        if m.away:
            return "none"
        if any(p == person and mo == month for p, _, mo in self.paid):
            return "paid"
        year, mon = int(month[:4]), int(month[5:])
        nxt = date(year + 1, 1, DUE_DAY) if mon == 12 else date(year, mon + 1, DUE_DAY)
        if self.today() <= nxt:
            return "not_due"
        if any(b == m.branch and mo == month for _, b, mo in self.paid):
            return "unpaid"
        return "unrecorded"

    def violation_months(self, person: int, year: int) -> list[str]:
        result = set()
        for meeting in self.meetings.values():
            if not self.in_year(meeting, year) or meeting.state != "closed":
                continue
            if meeting.marks.get(person) != "unexcused":
                continue
            if any(self.meeting_counts_for(m, meeting) and not m.is_213
                   for m in self.memberships if m.person == person):
                result.add(self.month_of(meeting.starts))
        for month in self.months(year):
            if self.dues_state(person, month) == "unpaid":
                result.add(month)
        return sorted(result)

    def level(self, person: int, year: int) -> str:
        n = len(self.violation_months(person, year))
        return "flag" if n >= 3 else "warn" if n == 2 else "ok"

    def in_year_memberships(self, branch: int, year: int) -> list[MMembership]:
        first = datetime(year, 1, 1, tzinfo=TZ)
        last = datetime(year + 1, 1, 1, tzinfo=TZ)
        return [m for m in self.memberships if m.branch == branch and m.start < last
                and (m.end is None or m.end >= first)]

    def branch_year(self, branch: int, year: int) -> dict[str, object]:
        today = self.today()
        rs = self.record_start[branch]
        held: dict[str, int] = {}
        unconfirmed = 0
        for meeting in self.meetings.values():
            if meeting.branch != branch or not self.in_year(meeting, year):
                continue
            if self.local(meeting.starts) < rs:
                continue
            if meeting.state == "scheduled" and meeting.starts <= self.now:
                unconfirmed += 1
            if meeting.state == "closed" and meeting.kind in ("regular", "combined"):
                month = self.month_of(meeting.starts)
                held[month] = held.get(month, 0) + 1
        in_record = [mo for mo in self.months(year) if f"{mo}-01" >= rs.isoformat()]
        current = today.strftime("%Y-%m")
        missing = [mo for mo in in_record if mo < current and mo not in held]
        c = self.counts(self.in_year_memberships(branch, year), year)
        cp, ci = c["cp"], c["ci"]
        return {"held": sorted(held), "missing": missing, "unconfirmed": unconfirmed,
                "pending": current if current in in_record and current not in held else None,
                "counted": (cp, ci)}
