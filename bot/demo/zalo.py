"""The demo's Zalo scene: a member without Telegram joins by the Zalo code of
his invitation, receives the next invitation on Zalo and answers it by text."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.demo.transcript import Transcript
from bot.meetings.service import create_meeting
from emulator import FakeUser
from emulator.zalo import ZaloEmulator, ZaloUser

ZALO_TOKEN = "990011:DEMO-ZALO-TOKEN"  # noqa: S105 - the Zalo emulator's, not a secret
_CODE = re.compile(r"([A-Z0-9]{4}-[A-Z0-9]{4})")


async def zsay(tr: Transcript, user: ZaloUser, text: str) -> str:
    print(f"📱 {user.display_name} (Zalo): {text}", file=tr.out)
    await user.send(text)
    reply = await user.next_text()
    show(tr, user, reply)
    return reply


def show(tr: Transcript, user: ZaloUser, text: str) -> None:
    body = text.replace("\n", "\n      ")
    print(f"🤖 → {user.display_name} (Zalo): {body}", file=tr.out)


async def play_zalo(tr: Transcript, zalo: ZaloEmulator, hoa: FakeUser, unit_id: int) -> None:
    tr.section("Đảng viên trên Zalo / A member on Zalo")
    [invited] = await tr.say(hoa, "/invite Phan Văn Khôi")
    found = _CODE.search(invited.text.split("Mã Zalo", 1)[-1])
    assert found is not None
    khoi = zalo.user("Khôi")
    await zsay(tr, khoi, found.group(1).lower().replace("-", ""))
    await zsay(tr, khoi, "1")
    live_bot = tr.live_bot
    meeting = await create_meeting(
        live_bot.services, None, unit_id=unit_id, kind="extraordinary",
        starts_at=live_bot.clock.now() + timedelta(days=5), place="Hội trường thôn 3",
        agenda="Xét kết nạp đảng viên")
    assert meeting is not None
    await live_bot.settle()
    await live_bot.app.bot_data.zalo.sender.drain()
    tr.note("Cuộc họp bất thường: giấy mời gửi qua Telegram, và qua Zalo cho Khôi / an "
            "extraordinary meeting: invitations on Telegram, and on Zalo for Khôi")
    await khoi.wait_for_text(lambda text: f" {meeting.id} 1" in text)
    while len(khoi.inbox) > khoi._read:  # every invitation he has (he may have two)
        show(tr, khoi, await khoi.next_text())
    await zsay(tr, khoi, f"{meeting.id} 2 ốm")  # named: several meetings may be open
