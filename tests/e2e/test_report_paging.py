"""A report is computed once per question: paging through a committee's 30-branch
``/report year`` costs one computation and one audit row, however many pages."""

from __future__ import annotations

from datetime import date

import pytest

from bot.demo.playground import Playground
from bot.reports import service
from tests.history import seed_history


async def test_paging_a_30_branch_year_report_computes_it_once(
        live_bot: Playground, monkeypatch: pytest.MonkeyPatch) -> None:
    history = await seed_history(live_bot.services.db, branches=30, members_per_branch=3,
                                 first_month=date(2026, 3, 1), months=9, seed=5)
    computed: list[str | None] = []
    year_report = service.year_report

    async def counted(*args: object, **kwargs: object) -> service.YearReport:
        computed.append(str(args[2]))
        return await year_report(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "year_report", counted)
    db = live_bot.services.db
    audited = "SELECT count(*) FROM audit_log WHERE action = 'report.year'"
    before = await db.fetch_value(audited)
    officer = live_bot.emu.user(history.committee_officer_tg, "Thường trực")
    await officer.send("/report year")
    message = await officer.next_message(timeout=30)
    while message.text.startswith("⏳"):
        message = await officer.next_message(timeout=30)
    pages = [message.text]
    while "Sau »" in message.button_labels:
        await officer.callback_answer(await officer.press("Sau »", message.message_id),
                                      timeout=30)
        message = next(m for m in officer.chat if m.message_id == message.message_id)
        pages.append(message.text)
    while "« Trước" in message.button_labels:  # and back to the first page
        await officer.callback_answer(await officer.press("« Trước", message.message_id),
                                      timeout=30)
        message = next(m for m in officer.chat if m.message_id == message.message_id)
        pages.append(message.text)
    assert len(pages) >= 3, pages  # several pages were turned
    assert message.text == pages[0]
    assert len(computed) == 1
    assert await db.fetch_value(audited) - before == 1

    # A write to the figures' data makes the next page a new computation (a new read).
    await db.execute("UPDATE units SET record_start = '2026-04-01' WHERE id = ?",
                     (history.branch_ids[0],))
    await officer.callback_answer(await officer.press("Sau »", message.message_id),
                                  timeout=30)
    assert len(computed) == 2
    assert await db.fetch_value(audited) - before == 2
