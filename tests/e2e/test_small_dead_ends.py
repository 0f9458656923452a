"""Small dead ends: /import typed alone, a bad month, a file error that repeated
itself, the English demo, English plurals."""

from __future__ import annotations

import io

import pytest

from bot.demo.playground import Playground
from bot.demo.script import run_demo
from bot.texts import t
from tests.factories import seed_branch


@pytest.fixture(autouse=True)
def open_chats(live_bot: Playground) -> None:
    live_bot.emu.strict_private_chats = False


async def test_import_typed_alone_says_how_to_send_the_file(live_bot: Playground) -> None:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=1)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    reply = await secretary.ask("/import", timeout=10)
    assert "kèm chú thích /import" in reply.text
    assert "Tôi không hiểu lệnh này" not in reply.text


async def test_a_bad_month_is_refused_in_the_users_words(live_bot: Playground) -> None:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=1)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    reply = await secretary.ask("/report duties 13/2026", timeout=10)
    assert "Tháng không hợp lệ: '13/2026'" in reply.text
    assert "01/13/2026" not in reply.text and "Ngày không hợp lệ" not in reply.text


async def test_an_unreadable_file_is_explained_once(live_bot: Playground) -> None:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=1)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    await secretary.upload("danh-sach.xlsx", b"this is not a workbook", caption="/import")
    reply = await secretary.next_message(timeout=10)
    while reply.text.startswith("Đang kiểm tra"):
        reply = await secretary.next_message(timeout=10)
    assert reply.text.startswith("Không đọc được tệp: ")
    assert reply.text.count("Không đọc được tệp") == 1, reply.text


async def test_the_demo_runs_in_english() -> None:
    out = io.StringIO()
    assert await run_demo(lang="en", out=out, paced=False) == 0  # was an IndexError
    transcript = out.getvalue()
    assert "demo finished" in transcript
    assert "Created " in transcript and "(id " in transcript  # the admin was answered in English


def test_english_texts_have_plurals() -> None:
    assert t("en", "import_done", imported=1, skipped=1).startswith(
        "Imported 1 member; skipped 1 row.")
    assert t("en", "import_done", imported=3, skipped=0).startswith(
        "Imported 3 members; skipped 0 rows.")
    assert t("en", "import_summary_clean", count=1) == "The file is valid: 1 row."
    assert t("en", "import_summary_clean", count="1,017") == "The file is valid: 1,017 rows."
    assert t("en", "schedule_rule_week", weekday="Thursday", week=1, time="19:30") == (
        "the first Thursday of every month at 19:30")
    assert t("vi", "schedule_rule_week", weekday="Thứ Năm", week=1, time="19:30") == (
        "Thứ Năm tuần 1 hằng tháng lúc 19:30")
