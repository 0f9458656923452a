"""Commands typed in the branch group get the existing "only in a private chat" answer,
once in a while (a group typing commands is not spammed), and commands meant for
another bot of the group get nothing."""

from __future__ import annotations

from bot.demo.playground import Playground
from tests.factories import seed_branch

PRIVATE_ONLY = "Lệnh này chỉ dùng trong tin nhắn riêng với bot."


async def test_a_command_in_the_group_is_answered_once_with_the_private_only_text(
    live_bot: Playground,
) -> None:
    seeded = await seed_branch(live_bot.services.db, live_bot.clock.now(), members=2)
    member = live_bot.emu.user(seeded.secretary[1], "Bí thư")  # one person: updates in order
    await member.ask("/help")
    group = live_bot.emu.group(-100777, "Chi bộ Thôn 3")
    await group.send(member, "/meetings")
    answer = await group.next_message(timeout=15)
    assert answer.text == PRIVATE_ONLY
    await group.send(member, "/help")  # within the quiet time: nothing
    await group.send(member, "/start@some_other_bot")  # not ours: nothing
    await group.send(member, "/linkgroup")  # answered, so all before it is handled
    linked = await group.next_message(timeout=15)
    assert linked.text != PRIVATE_ONLY
    said = [m.text for m in group.chat if m.text == PRIVATE_ONLY]
    assert said == [PRIVATE_ONLY]
