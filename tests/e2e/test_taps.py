"""A tap is answered first, as soon as it is recorded; the card's edit follows it.

The answer to a tap (``answerCallbackQuery``) is not a message: it never waits for a
slot of the sending budget or for the chat's turn, which only the edit needs."""

from __future__ import annotations

import time

from bot.demo.playground import Playground
from bot.runtime.delivery.limits import Throttle
from emulator import BotMessageView, FakeUser
from storage import meetings as store
from tests.factories import seed_branch


def invitation(user: FakeUser) -> BotMessageView:
    return next(m for m in user.chat if "GIẤY MỜI HỌP CHI BỘ" in m.text)


async def invited_members(live_bot: Playground, count: int) -> tuple[int, list[FakeUser]]:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=count)
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    members = [live_bot.emu.user(tg, f"ĐV{i + 1}") for i, (_, tg) in enumerate(seeded.members)]
    for user in [secretary, *members]:
        await user.send("/help")
        await user.next_message()
    await secretary.ask("/schedule ngày 10 19:30 | Nhà văn hóa thôn 3")
    await live_bot.settle()  # the month's meeting and its invitations
    meeting = (await store.of_unit(live_bot.services.db, seeded.branch_id))[0]
    return meeting.id, members


async def test_the_answer_goes_before_the_edit(live_bot: Playground) -> None:
    _, members = await invited_members(live_bot, 3)
    member = members[0]
    card = invitation(member)
    query = await member.press("✅ Tham dự", card.message_id)
    assert await member.callback_answer(query) == "Đã ghi: đồng chí tham dự."
    calls = [c for c in live_bot.emu.calls
             if (c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == query)
             or (c.method == "editMessageText"
                 and int(c.params.get("message_id", 0)) == card.message_id
                 and int(c.params.get("chat_id", 0)) == member.id)]
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert "Trả lời của đồng chí: ✅ Tham dự" in invitation(member).text


async def test_a_closed_chat_holds_the_edit_not_the_answer(live_bot: Playground) -> None:
    """The member's chat is held (a retry_after): the tap is answered at once all the
    same; the edit goes out when the chat opens again."""
    _, members = await invited_members(live_bot, 3)
    member = members[1]
    card = invitation(member)
    throttle: Throttle = live_bot.app.bot_data.throttle
    throttle.gates.hold(member.id, time.monotonic() + 4.0)
    query = await member.press("✅ Tham dự", card.message_id)
    record = member.callback(query)
    await live_bot.emu.wait_until(lambda: record.answered, timeout=3.0,
                            message="the tap waited for its edit's turn")
    assert record.text == "Đã ghi: đồng chí tham dự."
    assert "Trả lời của đồng chí" not in invitation(member).text  # the edit waits its turn
    await live_bot.followups()
    assert "Trả lời của đồng chí: ✅ Tham dự" in invitation(member).text


async def test_edits_of_one_card_waiting_for_their_turn_collapse_into_the_last(
        live_bot: Playground) -> None:
    """Two taps on one card while its chat is held: one edit goes out, the last."""
    meeting_id, members = await invited_members(live_bot, 3)
    member = members[2]
    card = invitation(member)
    throttle: Throttle = live_bot.app.bot_data.throttle
    throttle.gates.hold(member.id, time.monotonic() + 3.0)
    first = await member.press("✅ Tham dự", card.message_id)
    await live_bot.emu.wait_until(lambda: member.callback(first).answered, timeout=2.5)
    again = await member.press_data(f"rsvp:{meeting_id}:y", message_id=card.message_id)
    assert await member.callback_answer(again, timeout=10) == "Đã ghi: đồng chí tham dự."
    edits = [c for c in live_bot.emu.calls_to("editMessageText")
             if int(c.params["chat_id"]) == member.id
             and int(c.params["message_id"]) == card.message_id]
    assert len(edits) == 1
    assert "Trả lời của đồng chí: ✅ Tham dự" in invitation(member).text
