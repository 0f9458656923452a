"""Meetings end to end with an injected clock: the month's meeting from the schedule
rule, one invitation each, answers, reminders, the officers' digest and nudge, roll call
and minutes, move and cancel, and restarts that neither lose nor repeat anything."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.demo.playground import Playground
from emulator import BotMessageView, FakeUser
from storage import meetings as store
from tests.factories import SeededBranch, seed_branch

# The rule "ngày 10 19:30": 10/12/2026 19:30 in Hanoi = 12:30 UTC.
MEETING_AT = datetime(2026, 12, 10, 12, 30, tzinfo=UTC)


async def tap(user: FakeUser, label: str, message_id: int | None = None) -> str:
    return await user.callback_answer(await user.press(label, message_id=message_id))


def invitations_of(user: FakeUser) -> list[str]:
    return [m.text for m in user.chat if "GIẤY MỜI HỌP CHI BỘ" in m.text]


def invitation_message(user: FakeUser) -> BotMessageView:
    return next(m for m in user.chat if "GIẤY MỜI HỌP CHI BỘ" in m.text)


async def setup_branch(live_bot: Playground) -> tuple[SeededBranch, FakeUser, list[FakeUser]]:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=29)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    members = [live_bot.emu.user(tg, f"ĐV{i + 1}") for i, (_, tg) in enumerate(seeded.members)]
    for user in [secretary, *members]:  # everyone has opened the bot once
        await user.send("/help")
        await user.next_message()
    saved = await secretary.ask("/schedule ngày 10 19:30 | Nhà văn hóa thôn 3")
    assert "ngày 10 hằng tháng lúc 19:30, tại Nhà văn hóa thôn 3" in saved.text
    return seeded, secretary, members


async def answer_absent(user: FakeUser, reason: str) -> None:
    await tap(user, "❌ Vắng (có lý do)")
    assert (await user.next_message()).text.startswith("Xin đồng chí cho biết lý do")
    saved = await user.ask(reason)
    assert saved.text == f"Đã ghi: đồng chí vắng mặt, lý do: {reason}."


async def test_month_of_a_30_member_branch(live_bot: Playground) -> None:
    seeded, secretary, members = await setup_branch(live_bot)
    everyone = [secretary, *members]
    await live_bot.settle()  # 01/12: within 10 days of the 10th: the meeting is created
    meetings = await store.of_unit(live_bot.services.db, seeded.branch_id)
    assert [m.starts_at for m in meetings] == [MEETING_AT]
    await live_bot.settle()  # ticking again creates nothing new
    assert len(await store.of_unit(live_bot.services.db, seeded.branch_id)) == 1
    for user in everyone:
        assert len(invitations_of(user)) == 1, user.first_name
        assert "Thứ Năm, 10/12/2026 19:30" in invitations_of(user)[0]
        assert "Nhà văn hóa thôn 3" in invitations_of(user)[0]
        user.drain()

    meeting_id = meetings[0].id
    attending, absent, silent = everyone[:20], everyone[20:26], everyone[26:]
    for user in attending:
        assert await tap(user, "✅ Tham dự") == "Đã ghi: đồng chí tham dự."
    # The same tap twice (or the same update delivered twice) changes nothing.
    replay = await attending[0].press_data(f"rsvp:{meeting_id}:y",
                                           message_id=invitation_message(attending[0]).message_id)
    assert await attending[0].callback_answer(replay) == "Đã ghi: đồng chí tham dự."
    for i, user in enumerate(absent):
        await answer_absent(user, f"Đi công tác {i + 1}")
    first = invitation_message(attending[0])
    assert "Trả lời của đồng chí: ✅ Tham dự" in first.text
    assert first.button_labels == ["❌ Vắng (có lý do)"]  # the button to change it
    counts = await live_bot.services.db.fetch_all(
        "SELECT answer, count(*) FROM invitations WHERE meeting_id = ? GROUP BY answer",
        (meeting_id,))
    assert {r[0]: r[1] for r in counts} == {None: 4, "attend": 20, "absent": 6}
    for user in everyone:
        user.drain()

    # First reminder (3 days before): buttons for the 4, plain for the 20, none for the 6.
    live_bot.clock.set(MEETING_AT - timedelta(days=3, minutes=-1))  # type: ignore[attr-defined]
    await live_bot.settle()
    for user in silent:
        [reminder] = user.drain()
        assert "chưa trả lời" in reminder.text and "✅ Tham dự" in reminder.button_labels
    for user in attending:
        [reminder] = user.drain()
        assert "đã xác nhận tham dự" in reminder.text and reminder.buttons == []
    for user in absent:
        assert user.drain() == []

    # One day before, the officers get the list, with a button that nudges exactly them.
    live_bot.clock.set(MEETING_AT - timedelta(days=1, minutes=-1))  # type: ignore[attr-defined]
    await live_bot.settle()
    digest = secretary.drain()[-1]
    assert "4 chưa trả lời / 30 được mời" in digest.text
    assert "Chưa trả lời: Đảng viên Số 026, Đảng viên Số 027, Đảng viên Số 028, " \
        "Đảng viên Số 029" in digest.text
    assert await tap(secretary, "🔔 Nhắc 4 đồng chí chưa trả lời") == "Đã nhắc 4 đồng chí."
    await live_bot.settle()
    for user in everyone:
        got = user.drain()
        if user in silent:
            assert len(got) == 1 and "✅ Tham dự" in got[0].button_labels
        else:
            assert got == [], user.first_name

    # After the meeting: roll call pre-filled from the answers, one toggled, then closed.
    live_bot.clock.set(MEETING_AT + timedelta(minutes=100))  # type: ignore[attr-defined]
    await live_bot.settle()
    for user in everyone:
        user.drain()  # the 2-hour reminder went out in between
    late = await attending[1].callback_answer(await attending[1].press(
        "❌ Vắng (có lý do)", message_id=invitation_message(attending[1]).message_id))
    assert "đã bắt đầu" in late
    roll = await secretary.ask("/attendance")
    assert "Điểm danh" in roll.text
    labels = roll.button_labels
    assert sum(label.startswith("✅") for label in labels) == 20
    assert sum(label.startswith("🟡") for label in labels) == 6
    assert sum(label.startswith("❌") for label in labels) == 4
    # A member who said "attend" did not come: present -> excused -> unexcused.
    name = "Đảng viên Số 019"
    await tap(secretary, f"✅ {name}")
    secretary.drain()  # the bot asks for the reason of an excused absence
    await tap(secretary, f"🟡 {name}")
    await tap(secretary, "📝 Chốt điểm danh")
    asked = next(m for m in secretary.chat if m.message_id == roll.message_id).text
    assert "Còn 5 đồng chí chưa được ghi có mặt hay vắng có lý do" in asked
    await tap(secretary, "✅ Vẫn chốt")
    minutes = next(m for m in secretary.chat if m.message_id == roll.message_id).text
    assert "Có mặt 19/30 đồng chí; vắng 11 đồng chí." in minutes
    assert "Vắng có lý do (6):" in minutes and "Đi công tác 3" in minutes
    assert "Vắng không có lý do (5):" in minutes and name in minutes
    meeting = await store.get(live_bot.services.db, meeting_id)
    assert meeting is not None and meeting.state == "closed"


async def test_move_keeps_answers_and_cancel_tells_everyone(live_bot: Playground) -> None:
    seeded, secretary, members = await setup_branch(live_bot)
    everyone = [secretary, *members]
    created = await secretary.ask("/meeting 20/12/2026 19:30 | Hội trường | Tổng kết năm")
    if "GIẤY MỜI" in created.text:  # the secretary's own invitation won the race
        created = await secretary.next_message()
    assert "gửi giấy mời đến 30 đồng chí" in created.text
    await live_bot.settle()
    await tap(members[0], "✅ Tham dự")
    for user in everyone:
        user.drain()
    listing = await secretary.ask("/meetings")
    assert "✅ 1 tham dự" in listing.text
    await tap(secretary, "🔁 Dời lịch #1")
    await secretary.next_message()
    moved = await secretary.ask("21/12/2026 08:00")
    assert "báo cho 30 đồng chí (các trả lời được giữ nguyên)" in moved.text
    await live_bot.settle()
    for user in everyone:
        [notice] = user.drain()[-1:]
        assert "ĐỔI LỊCH HỌP" in notice.text and "21/12/2026 08:00" in notice.text
        # Whoever said "attend" confirms; whoever had not answered is asked as before.
        expected = "✅ Vẫn tham dự" if user is members[0] else "✅ Tham dự"
        assert expected in notice.button_labels, user.first_name
    row = await live_bot.services.db.fetch_value(
        "SELECT answer FROM invitations i JOIN meetings m ON m.id = i.meeting_id "
        "WHERE m.agenda = 'Tổng kết năm' AND i.person_id = ?", (seeded.members[0][0],))
    assert row == "attend"  # a move keeps the answer
    listing = await secretary.ask("/meetings")
    await tap(secretary, "❌ Hủy #1", message_id=listing.message_id)
    await tap(secretary, "⚠️ Xác nhận hủy cuộc họp")
    assert "báo cho 30 đồng chí" in secretary.chat[-1].text
    await live_bot.settle()
    for user in everyone:
        notices = [m for m in user.drain() if "HỦY HỌP" in m.text]
        assert len(notices) == 1


async def test_restart_loses_and_repeats_nothing_and_skips_stale(live_bot: Playground) -> None:
    _, secretary, members = await setup_branch(live_bot)
    await live_bot.settle()
    for user in [secretary, *members]:
        assert len(invitations_of(user)) == 1
        user.drain()
    await live_bot.stop()  # the bot is down across the 3-day reminder
    live_bot.clock.set(MEETING_AT - timedelta(days=2))  # type: ignore[attr-defined]
    await live_bot.start()
    await live_bot.settle()
    await live_bot.restart()  # and once more, for good measure
    await live_bot.settle()
    for user in [secretary, *members]:
        got = user.drain()
        assert len([m for m in got if "NHẮC LỊCH HỌP" in m.text]) == 1, user.first_name
        assert invitations_of(user) and len(invitations_of(user)) == 1
    # Down across the 2-hour reminder and the meeting itself: nothing stale goes out.
    await live_bot.stop()
    live_bot.clock.set(MEETING_AT + timedelta(hours=3))  # type: ignore[attr-defined]
    await live_bot.start()
    await live_bot.settle()
    for user in [secretary, *members]:
        assert user.drain() == [], user.first_name
