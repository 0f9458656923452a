"""Free text typed to the bot reaches the domain without bidi overrides, zero-width or
control characters: a typed answer (an absence reason) and a
command line (/schedule's place) alike."""

from __future__ import annotations

from bot.demo.playground import Playground
from bot.texts import CATALOGS
from storage import meetings as store
from storage import pending
from tests.e2e.test_meetings import setup_branch, tap

HIDDEN = "\u202e\u2066\u200b\u200f\ufeff\x07"


async def test_a_reason_and_a_place_lose_hidden_characters(live_bot: Playground) -> None:
    seeded, secretary, members = await setup_branch(live_bot)
    saved = await secretary.ask(f"/schedule ngày 10 19:30 | Nhà {HIDDEN}văn hóa")
    assert "tại Nhà văn hóa" in saved.text
    assert await live_bot.services.db.fetch_value(
        "SELECT default_place FROM units WHERE id = ?", (seeded.branch_id,)) == "Nhà văn hóa"
    await live_bot.settle()
    meeting = (await store.of_unit(live_bot.services.db, seeded.branch_id))[0]
    for user in [secretary, *members]:
        user.drain()
    member = members[0]
    await tap(member, "❌ Vắng (có lý do)")
    assert (await member.next_message()).text.startswith("Xin đồng chí cho biết lý do")
    saved = await member.ask(f"Đi {HIDDEN}công tác{HIDDEN}")
    assert saved.text == "Đã ghi: đồng chí vắng mặt, lý do: Đi công tác."
    reasons = await live_bot.services.db.fetch_all(
        "SELECT reason FROM invitations WHERE meeting_id = ? AND reason IS NOT NULL",
        (meeting.id,))
    assert [r["reason"] for r in reasons] == ["Đi công tác"]


async def test_an_answer_asked_by_an_older_version_is_asked_again(live_bot: Playground) -> None:
    """A pending input stored in a shape this version does not read (an older bot asked
    it) gets a clear "start again", is dropped, and changes nothing else."""
    _, _, members = await setup_branch(live_bot)
    member = members[0]
    member.drain()
    await pending.put(live_bot.services.db, member.id, "absence_reason",
                      {"meeting": "next", "chat": "?"}, live_bot.clock.now())
    answer = await member.ask("Đi công tác")
    assert answer.text == CATALOGS["vi"]["input_start_again"]
    assert await pending.get(live_bot.services.db, member.id) is None
    assert await live_bot.services.db.fetch_value(
        "SELECT COUNT(*) FROM invitations WHERE reason IS NOT NULL") == 0
