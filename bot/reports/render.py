"""Report texts in the reader's language, with Vietnamese number formatting, and pages
that fit in one Telegram message."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core import formatting as fmt
from bot.meetings import texts as mt
from bot.meetings.rollcall import minutes_block
from bot.reports import figures
from bot.reports.service import MeetingReport, MemberReport, YearReport
from bot.texts import Texts
from storage.reports import DutyCount

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


def _standing(texts: Texts, standing: str | None) -> str:
    return f" ({texts('standing_' + standing)})" if standing else ""


def year_text(report: YearReport, texts: Texts) -> str:
    lang = texts.lang
    lines = [texts("report_year_title", scope=report.scope.label, year=report.year)]
    total_present = sum(m.counted_present for m in report.members)
    total_counted = sum(m.counted_invited for m in report.members)
    lines.append(texts("report_year_overall", present=fmt.ratio(total_present, total_counted,
                                                                lang),
                       rate=fmt.percent(figures.rate(total_present, total_counted), lang)))
    if report.flagged:
        lines.append(texts("report_year_flagged", names=", ".join(
            f"{m.full_name} ({len(m.violation_months)})" for m in report.flagged)))
    if report.warned:
        lines.append(texts("report_year_warned", names=", ".join(
            m.full_name for m in report.warned)))
    for branch in report.branches:
        held = held_lines(branch, texts)
        if held:
            lines += [texts("held_branch_head", name=branch.name), *held]
    lines.append("")
    lines.append(texts("report_year_legend"))
    for n, m in enumerate(report.members, start=1):
        mark = {"flag": " 🚩", "warn": " ⚠️", "ok": ""}[m.level]
        months = ", ".join(fmt.month(p) for p in m.violation_months)
        lines.append(texts("report_year_line", n=n, name=m.full_name,
                           standing=_standing(texts, m.standing), present=m.present,
                           excused=m.excused, unexcused=m.unexcused,
                           rate=fmt.percent(m.rate, lang), mark=mark))
        if months:
            lines.append(texts("report_year_months", months=months))
    return "\n".join(lines)


def branches_text(label: str, year: int, rows: list[figures.BranchYear], texts: Texts) -> str:
    lang = texts.lang
    lines = [texts("report_branches_title", scope=label, year=year)]
    fp = sum(r.followers_present for r in rows)
    fi = sum(r.followers_invited for r in rows)
    cp = sum(r.counted_present for r in rows)
    ci = sum(r.counted_invited for r in rows)
    lines.append(texts("report_branches_overall", rate=fmt.percent(figures.rate(cp, ci), lang),
                       followers=fmt.ratio(fp, fi, lang)))
    for r in rows:
        held = sum(1 for v in r.regular_by_month.values() if v)
        lines += ["", texts("report_branch_head", name=r.name, members=fmt.number(r.members,
                                                                                  lang)),
                  texts("report_branch_regular", held=held,
                        months=len(r.regular_by_month),
                        missing=", ".join(fmt.month(m) for m in r.missing_months) or "—"),
                  texts("report_branch_thematic",
                        quarters=" ".join(f"Q{q}:{n}" for q, n in r.thematic_by_quarter.items()),
                        missing=", ".join(f"Q{q}" for q in r.missing_quarters) or "—"),
                  texts("report_branch_attendance", rate=fmt.percent(r.rate, lang),
                        present=fmt.ratio(r.counted_present, r.counted_invited, lang),
                        followers=fmt.ratio(r.followers_present, r.followers_invited, lang))]
        lines += held_lines(r, texts)
    return "\n".join(lines)


def held_lines(r: figures.BranchYear, texts: Texts) -> list[str]:
    """Short meetings (on their actual length) and extraordinary meetings, listed apart."""
    lines: list[str] = []
    if r.short_meetings:
        lines.append(texts("report_branch_short", count=r.short_meetings))
        lines += [texts("held_short_line", day=fmt.day(day), kind=texts(f"report_kind_{kind}"),
                        minutes=fmt.number(minutes, texts.lang))
                  for day, kind, minutes in r.short_list]
    if r.extraordinary:
        lines.append(texts("held_extraordinary", count=len(r.extraordinary),
                           days=", ".join(fmt.day(d) for d in r.extraordinary)))
    return lines


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
    lines = [texts("report_probation_title", scope=label)]
    if not rows:
        lines.append(texts("report_probation_none"))
    for p in rows:
        status = texts(f"report_probation_{p.status}", days=abs(p.days_left))
        lines.append(texts("report_probation_line", name=p.full_name,
                           admitted=fmt.day(p.admitted_on), ends=fmt.day(p.ends_on),
                           status=status))
    return "\n".join(lines)


def meeting_text(report: MeetingReport, texts: Texts, tz: ZoneInfo) -> str:
    lang = texts.lang
    inv = report.invitations
    lines = [texts("report_meeting_title"),
             mt.summary(report.meeting, report.unit_name, tz, lang), ""]
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
        lines += ["", texts("report_meeting_actual"), minutes_block(report.attendance, lang)]
    return "\n".join(lines)


def member_text(report: MemberReport, texts: Texts, tz: ZoneInfo) -> str:
    lang = texts.lang
    m = report.member
    lines = [texts("report_member_title", name=m.full_name, unit=report.unit_name,
                   year=report.year)]
    if report.figures is not None:
        f = report.figures
        lines.append(texts("report_member_summary", present=f.present, excused=f.excused,
                           unexcused=f.unexcused, rate=fmt.percent(f.rate, lang)))
        if f.violation_months:
            lines.append(texts("report_member_violations", months=", ".join(
                fmt.month(p) for p in f.violation_months), count=len(f.violation_months)))
    lines += ["", texts("report_member_meetings")]
    for meeting in report.meetings:
        status = meeting.status or (f"answer_{meeting.answer}" if meeting.answer else None)
        label = texts(f"report_status_{status}") if status else texts("report_status_none")
        reason = meeting.reason or meeting.answer_reason
        when = fmt.local_time(meeting.starts_at, tz)
        lines.append(f"  {when} — {texts(f'report_kind_{meeting.kind}')}: {label}"
                     + (f" ({reason})" if reason and status != "present" else ""))
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
