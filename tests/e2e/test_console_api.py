"""The console's API refuses what a page would never send: no or bad init
data, malformed bodies, what is not the caller's, a closed roll call; nothing changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp

from bot.demo.playground import Playground
from storage import meetings as store
from tests.e2e.console_helpers import init_data, local_url
from tests.e2e.test_console import held_meeting
from tests.factories import seed_branch


async def call(live_bot: Playground, method: str, path: str, *, who: int | None = None,
               body: Any = None, raw: bytes | None = None, header: str | None = None
               ) -> tuple[int, Any]:
    headers = {}
    if header is not None:
        headers["Authorization"] = header
    elif who is not None:
        headers["Authorization"] = "tma " + init_data(live_bot, who)
    async with aiohttp.ClientSession() as http, http.request(
            method, local_url(live_bot) + "api/" + path, headers=headers,
            json=body if raw is None else None, data=raw) as response:
        data = await response.json(content_type=None) if response.status != 413 else None
        return response.status, data


async def test_what_the_api_refuses(cg: Playground) -> None:
    _, meeting, secretary = await held_meeting(cg, 2)
    other = await seed_branch(cg.services.db, cg.clock.now(), members=1,
                              branch_name="Chi bộ Thôn 5", secretary_telegram_id=4100,
                              first_telegram_id=6000)
    status, roll = await call(cg, "GET", f"rollcall/{meeting}", who=secretary)
    assert status == 200 and len(roll["rows"]) == 3
    person = roll["rows"][0]["person"]
    before = await store.attendance(cg.services.db, meeting)

    for header in ("", "Bearer x", "tma ", "tma user=1&hash=00", "tma " + "a" * 5000):
        status, data = await call(cg, "GET", "me", header=header)
        assert status == 401 and "Không xác thực được" in data["error"], header
    status, data = await call(cg, "POST", f"rollcall/{meeting}/tap", who=secretary,
                              raw=b"{not json")
    assert status == 400 and data["error"] == "Yêu cầu không hợp lệ."
    status, _ = await call(cg, "POST", f"rollcall/{meeting}/tap", who=secretary,
                           body={"person": "abc"})
    assert status == 400
    status, _ = await call(cg, "POST", f"rollcall/{meeting}/tap", who=secretary,
                           body=[person])
    assert status == 400
    status, _ = await call(cg, "POST", f"rollcall/{meeting}/tap", who=secretary,
                           raw=b"{" + b" " * 20_000 + b"}")
    assert status == 413
    status, _ = await call(cg, "POST", f"rollcall/{meeting}/tap", who=secretary,
                           body={"person": other.members[0][0]})
    assert status == 404  # not invited to this meeting
    status, data = await call(cg, "POST", f"rollcall/{meeting}/tap", who=4100,
                              body={"person": person})
    assert status == 403 and "cấp ủy chi bộ" in data["error"]
    status, data = await call(cg, "POST", f"rollcall/{meeting}/role", who=secretary,
                              body={"role": "admin", "name": "x"})
    assert status == 403
    status, data = await call(cg, "POST", f"rollcall/{meeting}/times", who=secretary,
                              body={"text": "giờ nào"})
    assert status == 400 and "Không đọc được giờ họp" in data["error"]
    status, _ = await call(cg, "GET", f"member/{other.members[0][0]}", who=secretary)
    assert status in (403, 404)
    status, data = await call(cg, "POST", f"member/{roll['rows'][0]['person']}", who=secretary,
                              body={"field": "role", "value": "secretary"})
    assert status == 400 and "không có quyền" in data["error"]  # not a record field
    status, _ = await call(cg, "GET", f"export?scope=b{other.branch_id}", who=secretary)
    assert status == 404
    assert await store.attendance(cg.services.db, meeting) == before

    # Closed: a tap is refused with the chat's words and changes nothing.
    status, data = await call(cg, "POST", f"rollcall/{meeting}/close", who=secretary)
    assert status == 200 and data["closed"] is False and len(data["unmarked"]) == 2
    assert "Còn 2 đồng chí" in data["question"]  # the chat's confirmation, nothing closed
    assert (await store.get(cg.services.db, meeting)).state == "scheduled"  # type: ignore[union-attr]
    status, data = await call(cg, "POST", f"rollcall/{meeting}/close", who=secretary,
                              body={"confirmed": True})
    assert status == 200 and data["closed"] is True
    closed = await store.attendance(cg.services.db, meeting)
    status, data = await call(cg, "POST", f"rollcall/{meeting}/tap", who=secretary,
                              body={"person": person})
    assert status == 400 and data["error"] == "Cuộc họp đã chốt điểm danh."
    assert await store.attendance(cg.services.db, meeting) == closed
    # The same signed data, a day and an hour later: expired.
    cg.clock.set(cg.clock.now() + timedelta(hours=25))  # type: ignore[attr-defined]
    status, _ = await call(cg, "GET", "me", header="tma " + init_data(
        cg, secretary, age_seconds=25 * 3600))
    assert status == 401
