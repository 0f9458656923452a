"""Report texts in the reader's language, with Vietnamese number formatting, and pages
that fit in one Telegram message."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core import formatting as fmt
from bot.core import hooks, labels
from bot.reports import figures
from bot.reports.service import MeetingReport, MemberReport, YearReport
from bot.texts import Language, Texts, t
from storage.reports import DutyCount, FollowerPresence

_LEFT = {"left": "report_left_left", "transferred": "report_left_transferred"}
# Probations by status, overdue first: the group's heading and each line's status.
_PROBATION_GROUPS = (
    ("overdue", "report_probation_group_overdue", "report_probation_overdue"),
    ("soon", "report_probation_group_soon", "report_probation_soon"),
    ("later", "report_probation_group_later", "report_probation_later"),
)

PAGE_CHARS = 3500


def paginate(text: str, limit: int = PAGE_CHARS) -> list[str]:
    """Split on line boundaries into pages of at most ``limit`` characters."""
    pages: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # a single overlong line is cut
            if current:
                pages.append(current)
                current = ""
            pages.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if current and len(candidate) > limit:
            pages.append(current)
            current = line
        else:
            current = candidate
    pages.append(current)
    return pages


def causes_text(member: figures.MemberYear, lang: Language) -> str:
    """Each month of the 3-month rule with its causes: ``03/2026: vắng không lý do buổi
    05/03 · 04/2026: chưa đóng đảng phí``."""
    parts = []
    several = len({c.branch for c in member.months}) > 1  # months brought from another branch
    for cause in member.months:
        causes = []
        if cause.days:
            causes.append(t(lang, "rule24_cause_absence",
                            days=", ".join(d.strftime("%d/%m") for d in cause.days)))
        if cause.unpaid:
            causes.append(t(lang, "rule24_cause_dues"))
        month = fmt.month(cause.month)
        if several and cause.branch:
            month = t(lang, "rule24_month_branch", month=month, branch=cause.branch)
        parts.append(t(lang, "rule24_month", month=month, causes=", ".join(causes)))
    return " · ".join(parts)


def left_text(member: figures.MemberYear, texts: Texts) -> str:
    """`` — đã chuyển đi ngày 01/03/2026`` for a member who left during the year."""
    if member.left is None or member.left_on is None:
        return ""
    return " — " + texts(_LEFT[member.left], date=fmt.day(member.left_on))


def _standing(texts: Texts, standing: str | None) -> str:
    return f" ({texts(labels.STANDING[standing])})" if standing else ""


def year_text(report: YearReport, texts: Texts) -> str:
    lang = texts.lang
    lines = [texts("report_year_title", scope=report.scope.label, year=report.year)]
    total_present = sum(m.counted_present for m in report.members)
    total_counted = sum(m.counted_invited for m in report.members)
    lines.append(texts("report_year_overall", present=fmt.ratio(total_present, total_counted,
                                                                lang),
                       rate=fmt.percent(figures.rate(total_present, total_counted), lang)))
    grouped = report.scope.committee is not None and len(report.scope.branches) > 1
    if not grouped:
        _flag_lines(report.members, texts, lines)
    for held_branch in report.branches:
        held = held_lines(held_branch, texts)
        if held:
            lines += [texts("held_branch_head", name=held_branch.name), *held]
    lines.append("")
    lines.append(texts("report_year_legend"))
    if not grouped:
        _member_lines(report.members, texts, lines)
        return "\n".join(lines)
    # A committee: one section per branch, each opening with a one-line summary.
    by_branch: dict[int, list[figures.MemberYear]] = {}
    for m in report.members:
        by_branch.setdefault(m.unit_id, []).append(m)
    for branch in report.scope.branches:
        mine = by_branch.get(branch.id, [])
        present = sum(m.counted_present for m in mine)
        counted = sum(m.counted_invited for m in mine)
        lines += ["", texts("report_year_branch", name=branch.name,
                            members=fmt.number(len(mine), lang),
                            rate=fmt.percent(figures.rate(present, counted), lang),
                            warned=sum(m.level == "warn" for m in mine),
                            flagged=sum(m.level == "flag" for m in mine))]
        _flag_lines(mine, texts, lines)
        _member_lines(mine, texts, lines)
    return "\n".join(lines)


def _flag_lines(members: list[figures.MemberYear], texts: Texts, lines: list[str]) -> None:
    flagged = [m for m in members if m.level == "flag"]
    warned = [m for m in members if m.level == "warn"]
    if flagged:
        lines.append(texts("report_year_flagged", names=", ".join(
            f"{m.full_name} ({len(m.violation_months)})" for m in flagged)))
    if warned:
        lines.append(texts("report_year_warned", names=", ".join(m.full_name for m in warned)))


def _member_lines(members: list[figures.MemberYear], texts: Texts, lines: list[str]) -> None:
    for n, m in enumerate(members, start=1):
        mark = {"flag": " 🚩", "warn": " ⚠️", "ok": ""}[m.level]
        lines.append(texts("report_year_line", n=n, name=m.full_name,
                           standing=_standing(texts, m.standing), present=m.present,
                           excused=m.excused, unexcused=m.unexcused,
                           rate=fmt.percent(m.rate, texts.lang), mark=mark)
                     + left_text(m, texts))
        if m.violation_months:
            lines.append(texts("report_year_months", months=causes_text(m, texts.lang)))


def followers_text(followers: list[FollowerPresence], texts: Texts) -> list[str]:
    """Each follower's presence across the branches they follow: ``dự 578/1.017 buổi``."""
    if not followers:
        return []
    return ["", texts("report_followers_title")] + [
        texts("report_follower_line", name=f.full_name,
              present=fmt.ratio(f.present, f.invited, texts.lang),
              rate=fmt.percent(figures.rate(f.present, f.invited), texts.lang))
        for f in followers]


def branches_text(label: str, year: int, rows: list[figures.BranchYear], texts: Texts,
                  followers: list[FollowerPresence] | None = None) -> str:
    lang = texts.lang
    lines = [texts("report_branches_title", scope=label, year=year)]
    fp = sum(r.followers_present for r in rows)
    fi = sum(r.followers_invited for r in rows)
    cp = sum(r.counted_present for r in rows)
    ci = sum(r.counted_invited for r in rows)
    lines.append(texts("report_branches_overall", rate=fmt.percent(figures.rate(cp, ci), lang),
                       followers=fmt.ratio(fp, fi, lang)))
    lines += followers_text(followers or [], texts)
    for r in rows:
        held = r.held_months
        lines += ["", texts("report_branch_head", name=r.name, members=fmt.number(r.members,
                                                                                  lang))]
        if r.no_data_months and r.record_start is not None:
            lines.append(texts("report_branch_record_start", date=fmt.day(r.record_start),
                               months=_span(r.no_data_months)))
        lines += [
                  texts("report_branch_regular", held=held, months=r.due_months,
                        missing=", ".join(fmt.month(m) for m in r.missing_months) or "—")
                  + (texts("report_branch_pending", month=int(r.pending_month[5:7]))
                     if r.pending_month else ""),
                  texts("report_branch_thematic",
                        quarters=" ".join(f"Q{q}:{r.thematic_by_quarter.get(q, '—')}"
                                          for q in range(1, 5)),
                        missing=", ".join(f"Q{q}" for q in r.missing_quarters) or "—"),
                  texts("report_branch_attendance", rate=fmt.percent(r.rate, lang),
                        present=fmt.ratio(r.counted_present, r.counted_invited, lang),
                        followers=fmt.ratio(r.followers_present, r.followers_invited, lang))]
        lines += held_lines(r, texts)
    return "\n".join(lines)


def held_lines(r: figures.BranchYear, texts: Texts) -> list[str]:
    """Short meetings (on their actual length) and extraordinary meetings, listed apart;
    past meetings whose roll call was never closed, as not confirmed (not held)."""
    lines: list[str] = []
    if r.unconfirmed:
        lines.append(texts("report_branch_unconfirmed", count=len(r.unconfirmed),
                           days=", ".join(fmt.day(d) for d in r.unconfirmed)))
    if r.short_meetings:
        lines.append(texts("report_branch_short", count=r.short_meetings))
        lines += [texts("held_short_line", day=fmt.day(day), kind=texts(labels.REPORT_KIND[kind]),
                        minutes=fmt.number(minutes, texts.lang))
                  for day, kind, minutes in r.short_list]
    if r.extraordinary:
        lines.append(texts("held_extraordinary", count=len(r.extraordinary),
                           days=", ".join(fmt.day(d) for d in r.extraordinary)))
    return lines
def _span(months: list[str]) -> str:
    """``01/2026 – 11/2026`` (or one month)."""
    first, last = fmt.month(months[0]), fmt.month(months[-1])
    return first if first == last else f"{first} – {last}"


def duties_text(label: str, period: str, rows: list[DutyCount], texts: Texts) -> str:
    lang = texts.lang
    lines = [texts("report_duties_title", scope=label, month=fmt.month(period))]
    households = sum(r.households for r in rows)
    reported = sum(r.reported for r in rows)
    problems = sum(r.problems for r in rows)
    lines.append(texts("report_duties_overall", reported=fmt.ratio(reported, households, lang),
                       problems=fmt.number(problems, lang), members=fmt.number(len(rows), lang)))
    for r in rows:
        mark = "✅" if r.reported >= r.households else "⏳"
        lines.append(texts("report_duties_line", mark=mark, name=r.full_name,
                           reported=r.reported, households=r.households, problems=r.problems))
    if not rows:
        lines.append(texts("report_duties_none"))
    return "\n".join(lines)


def probation_text(label: str, rows: list[figures.Probation], texts: Texts) -> str:
    """Overdue first, then ending within 60 days, then the rest: each group apart."""
    lines = [texts("report_probation_title", scope=label)]
    if not rows:
        lines.append(texts("report_probation_none"))
    for status, group_key, status_key in _PROBATION_GROUPS:
        group = [p for p in rows if p.status == status]
        if not group:
            continue
        lines += ["", texts(group_key, count=len(group))]
        for p in group:
            lines.append(texts("report_probation_line", name=p.full_name,
                               admitted=fmt.day(p.admitted_on), ends=fmt.day(p.ends_on),
                               status=texts(status_key,
                                            days=abs(p.days_left))))
    return "\n".join(lines)


def meeting_text(report: MeetingReport, texts: Texts, tz: ZoneInfo) -> str:
    lang = texts.lang
    inv = report.invitations
    lines = [texts("report_meeting_title"),
             hooks.meeting_text().summary(report.meeting, report.unit_name, tz, lang), ""]
    attend = [i for i in inv if i.answer == "attend"]
    absent = [i for i in inv if i.answer == "absent"]
    silent = [i for i in inv if i.answer is None]
    lines.append(texts("report_meeting_answers", invited=len(inv), attend=len(attend),
                       absent=len(absent), silent=len(silent)))
    for i in absent:
        by = " " + texts("answers_recorded_by", name=i.recorded_by_name) \
            if i.recorded_by_name else ""
        lines.append(f"  - {i.full_name}: {i.reason or ''}{by}")
    if silent:
        lines.append(texts("digest_silent", names=", ".join(i.full_name for i in silent)))
    if report.attendance and report.meeting.state == "closed":
        lines += ["", texts("report_meeting_actual"),
                  hooks.meeting_text().minutes_block(report.attendance, report.counts,
                                                     lang)]
    return "\n".join(lines)


def member_text(report: MemberReport, texts: Texts, tz: ZoneInfo) -> str:
    lang = texts.lang
    m = report.member
    lines = [texts("report_member_title", name=m.full_name, unit=report.unit_name,
                   year=report.year)]
    if report.figures is not None and report.figures.left is not None:
        lines[0] += left_text(report.figures, texts)
    if report.figures is not None:
        f = report.figures
        lines.append(texts("report_member_summary", present=f.present, excused=f.excused,
                           unexcused=f.unexcused, rate=fmt.percent(f.rate, lang)))
        if f.violation_months:
            lines.append(texts("report_member_violations", months=causes_text(f, lang),
                               count=len(f.violation_months)))
    if report.following is not None and report.following.invited:
        lines.append(texts("report_member_following",
                           present=fmt.ratio(report.following.present,
                                             report.following.invited, lang)))
    lines += ["", texts("report_member_meetings")]
    for seat in report.meetings:
        label = texts(labels.REPORT_STATUS[seat.outcome])
        when = fmt.local_time(seat.meeting.starts_at, tz)
        branch = f" ({seat.held.record.unit_name})" if seat.held is not None \
            and seat.held.record.unit_id != m.unit_id else ""
        lines.append(f"  {when}{branch} — {texts(labels.REPORT_KIND[seat.meeting.kind])}: {label}"
                     + (f" ({seat.reason})" if seat.reason and seat.outcome != "present"
                        else ""))
    if not report.meetings:
        lines.append("  —")
    lines += ["", texts("report_member_households",
                        households=", ".join(report.households) or "—")]
    for period, head, status, note in report.duties:
        flag = texts("report_duty_problem") if status == "problem" else texts(
            "report_duty_normal")
        lines.append(f"  {fmt.month(period)} — {head}: {flag}" + (f" ({note})" if note else ""))
    paid = ", ".join(fmt.month(p) for p, _ in report.dues) or "—"
    lines += ["", texts("report_member_dues", months=paid)]
    return "\n".join(lines)
