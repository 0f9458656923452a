"""`chibo demo` (the README's first command) plays its whole script without a token."""

from __future__ import annotations

import io

import pytest

from bot.demo.script import run_demo
from tests.engines import POSTGRES_URL, fresh_postgres

EXPECTED = (
        "Xin chào Khách",
        "Switched to English.",
        "Chào mừng đồng chí Trần Thị Hoa",
        "Dòng 4: ngày sinh '31/02/1979' không có thật",
        "Đã nhập 5 đảng viên; bỏ qua 1 dòng",
        "GIẤY MỜI HỌP CHI BỘ",
        "Đã ghi: đồng chí vắng mặt, lý do: Đi công tác Hà Nội.",
        "NHẮC LỊCH HỌP",
        "Có mặt 4/6 đồng chí; vắng 2 đồng chí.",
        "Thực tế: 19:30–21:15 (105 phút)",
        "📎 bien-ban-2026-12-10-1.docx",  # the meeting scene ends with the minutes file
        "ĐẢNG BỘ XÃ TÂN LẬP / CHI BỘ THÔN 3 / ĐẢNG CỘNG SẢN VIỆT NAM",
        # One warning, each month with its cause.
        "⚠️ Đồng chí Đỗ Thị Gấm (Chi bộ Thôn 3) đã có 2 tháng trong năm 2026 vắng sinh hoạt "
        "không lý do hoặc chưa đóng đảng phí: 11/2026: chưa đóng đảng phí · 12/2026: vắng "
        "không lý do buổi 10/12.",
        # A roll call corrected after closing withdraws the warning.
        "✏️ Đang sửa điểm danh đã chốt — lý do: Đồng chí Gấm đã gọi điện báo ốm",
        "  - Đỗ Thị Gấm: Ốm",
        "✅ Rút nhắc nhở: đồng chí Đỗ Thị Gấm (Chi bộ Thôn 3) nay còn 1 tháng",
        "Theo dõi hộ gia đình — tháng 01/2027",
        "Cảm ơn đồng chí đã báo cáo đủ 3 hộ",
        "Ghi chú: Mái nhà bị dột sau bão",
        "Đã sửa Ngày vào Đảng của đồng chí Hoàng Thị Dung: 07/03/2026 → 07/03/2025.",
        # A member on Zalo joins by his code and answers by text.
        " 2 ốm\n🤖 → Khôi (Zalo): Đã ghi",
        "🤖 → Khôi (Zalo): Đã ghi: đồng chí vắng mặt Họp chi bộ bất thường",
        "0 rate-limited",
)


def _played_all(text: str) -> None:
    for expected in EXPECTED:
        assert expected in text, expected
    assert text.count("Đỗ Thị Gấm (Chi bộ Thôn 3) đã có") == 1


async def test_demo_plays_the_whole_script() -> None:
    out = io.StringIO()
    assert await run_demo(out=out) == 0
    assert "database: SQLite" in out.getvalue()
    _played_all(out.getvalue())


@pytest.mark.skipif(not POSTGRES_URL, reason="needs CHIBO_TEST_POSTGRES")
async def test_demo_plays_the_same_script_on_postgres() -> None:
    """``chibo demo --database URL``: the whole product on the second engine."""
    out = io.StringIO()
    async with fresh_postgres() as url:
        assert await run_demo(out=out, database=url, paced=False) == 0
    assert f"database: PostgreSQL {url}" in out.getvalue()
    _played_all(out.getvalue())


async def test_demo_console_prints_a_signed_link_and_stays_open() -> None:
    """``chibo demo --console``: after the script, the console's address and a link
    signed for the branch secretary; the link opens her console until stopped."""
    import asyncio
    from urllib.parse import parse_qs, urlsplit

    import aiohttp

    out, stop = io.StringIO(), asyncio.Event()
    demo = asyncio.create_task(run_demo(out=out, console="127.0.0.1:0", stop=stop,
                                         paced=False))
    for _ in range(1200):
        if "Ctrl-C" in out.getvalue() or demo.done():
            break
        await asyncio.sleep(0.1)
    assert not demo.done(), out.getvalue()[-2000:]
    link = next(line.strip() for line in out.getvalue().splitlines()
                if line.strip().startswith("http://127.0.0.1:") and "#tgWebAppData=" in line)
    parts = urlsplit(link)
    init_data = parse_qs(parts.fragment)["tgWebAppData"][0]
    base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    async with aiohttp.ClientSession() as http:
        async with http.get(base) as page:
            assert page.status == 200 and "app.js" in await page.text()
        async with http.get(base + "api/me", headers={"Authorization": "tma " + init_data}
                            ) as me:
            assert me.status == 200
            home = await me.json()
    assert [b["name"] for b in home["home"]["branches"]] == ["Chi bộ Thôn 3"]
    stop.set()
    assert await asyncio.wait_for(demo, 30) == 0
