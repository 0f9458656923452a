"""The duties scene of ``chibo demo``: households imported and assigned, the monthly
reminder, one member reporting all normal, another a problem that reaches the secretary.

Played after the other scenes, on whatever day their clock reached: the scene moves
the clock to the next reminder time of the configured schedule, and shows only the
duty messages of each inbox (the rest is read silently).
"""

from __future__ import annotations

import io
from datetime import timedelta

from apscheduler.triggers.cron import CronTrigger
from openpyxl import Workbook

from bot.core.clock import FakeClock
from bot.demo.playground import Playground
from bot.demo.transcript import Transcript
from bot.duties.buttons import DutyButton, DutyPage
from bot.texts import Texts
from emulator import BotMessageView, FakeUser
from storage import roles

HEADS = ["Nguyễn Văn Tư", "Lê Thị Năm", "Trần Văn Sáu", "Phạm Thị Bảy", "Hoàng Văn Tám",
         "Đinh Thị Chín"]
UNASSIGNED = "Bùi Văn Mười"
NOTE = "Mái nhà bị dột sau bão, gia đình cần hỗ trợ sửa chữa"


def household_sheet(names: list[str]) -> bytes:
    """Two households for each of (up to) three members, one for nobody yet, one bad line."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Chủ hộ", "Thôn/Tổ", "Số nhà", "Địa chỉ", "Đảng viên phụ trách", "Ghi chú"])
    for i, head in enumerate(HEADS[:2 * len(names)]):
        name = names[i // 2]
        sheet.append([head, "Tổ 3", 10 + i, "đường Lý Thường Kiệt",
                      name.upper() if i % 2 else name, "hộ cận nghèo" if i == 0 else ""])
    sheet.append([UNASSIGNED, "Tổ 4", 2, "ngõ Chùa", "", ""])
    sheet.append(["Ngô Văn Mười Một", "Tổ 4", 5, "ngõ Chùa", "Nguyễn Văn Không Có", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _is_duty(message: BotMessageView) -> bool:
    return any(DutyButton.matches(b.callback_data) or DutyPage.matches(b.callback_data)
               for row in message.buttons for b in row)


def _starts(message: BotMessageView, texts: Texts, key: str) -> bool:
    """The message is the catalog text ``key`` (compared up to its first placeholder)."""
    return message.text.startswith(texts(key).split("{", 1)[0])


async def _tap(tr: Transcript, who: FakeUser, label: str, *, show: bool = True) -> None:
    """Press, wait for the bot's answer, and show the message the button was on."""
    print(f"👆 {who.first_name} bấm/presses [{label}]", file=tr.out)
    query = await who.press(label)
    await who.callback_answer(query, timeout=15)
    if show:
        message_id = who.callback(query).message_id
        tr.show(who, next(m for m in who.chat if m.message_id == message_id))


async def _next_with_buttons(who: FakeUser) -> BotMessageView:
    message = await who.next_message(timeout=15)
    while not message.buttons:
        message = await who.next_message(timeout=15)
    return message


async def play_duties(tr: Transcript, live_bot: Playground, secretary: FakeUser,
                      members: list[FakeUser]) -> None:
    clock = live_bot.clock
    if not isinstance(clock, FakeClock):
        raise TypeError("the duties scene moves the clock: it needs a FakeClock")
    services = live_bot.services
    followers = members[:3]
    names = []
    for user in followers:
        person = await roles.person_by_telegram(services.db, user.id)
        assert person is not None, f"{user.first_name} must have joined the branch"
        names.append(person.full_name)
    sec = await services.texts(secretary.id)
    secretary.drain()

    tr.section("Hộ gia đình được phân công theo dõi / Households to follow")
    print(f"📎 {secretary.first_name} gửi tệp ho-gia-dinh.xlsx kèm chú thích /import",
          file=tr.out)
    await secretary.upload("ho-gia-dinh.xlsx", household_sheet(names), caption="/import")
    tr.show(secretary, await _next_with_buttons(secretary))
    valid = 2 * len(names) + 1
    await tr.press(secretary, sec("import_confirm_valid", count=valid))
    await tr.say(secretary, "/households")

    tr.section("Phân công bằng nút bấm / Assigning with buttons")
    await tr.say(secretary, "/assign")
    await _tap(tr, secretary, sec("asg_btn_by_household"))
    await _tap(tr, secretary, UNASSIGNED)
    await _tap(tr, secretary, names[0])
    # The notices of the assignments go out in December, before the clock moves on: a
    # December card still queued when January comes is stale and is never sent.
    await live_bot.settle()

    schedule = services.config.duties.schedule
    fire = CronTrigger.from_crontab(schedule, timezone=services.tz).get_next_fire_time(
        None, clock.now().astimezone(services.tz) + timedelta(seconds=1))
    assert fire is not None
    clock.set(fire)
    tr.section(f"Nhắc theo dõi hộ hằng tháng / The monthly reminder "
               f"({fire.strftime('%d/%m/%Y %H:%M')})")
    await live_bot.settle()
    for user in followers:
        for message in user.drain():
            if _is_duty(message):
                tr.show(user, message)
    for message in secretary.drain():
        if _starts(message, sec, "duty_review"):
            tr.show(secretary, message)

    tr.section("Báo cáo bằng một lần bấm / One-tap reports")
    first, second = followers[0], followers[1]
    texts = await services.texts(first.id)
    followed = 3  # two from the file, and the one assigned with buttons
    for n in range(1, followed + 1):
        await _tap(tr, first, texts("duty_btn_normal", n=n), show=n == followed)
    texts = await services.texts(second.id)
    await _tap(tr, second, texts("duty_btn_normal", n=1), show=False)
    await tr.press(second, texts("duty_btn_problem", n=2))
    await tr.say(second, NOTE)
    await live_bot.settle()
    tr.note("vấn đề đến ngay cấp ủy chi bộ, trong tin nhắn riêng / the problem reaches the "
            "branch officers at once, in private")
    for message in secretary.drain():
        if _starts(message, sec, "duty_problem_alert"):
            tr.show(secretary, message)
    await tr.say(secretary, "/households")
