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
        # One warning, each month with its cause (issue 16).
        "⚠️ Đồng chí Đỗ Thị Gấm (Chi bộ Thôn 3) đã có 2 tháng trong năm 2026 vắng sinh hoạt "
        "không lý do hoặc chưa đóng đảng phí: 11/2026: chưa đóng đảng phí · 12/2026: vắng "
        "không lý do buổi 10/12.",
        # A roll call corrected after closing withdraws the warning (issue 20).
        "✏️ Đang sửa điểm danh đã chốt — lý do: Đồng chí Gấm đã gọi điện báo ốm",
        "  - Đỗ Thị Gấm: Ốm",
        "✅ Rút nhắc nhở: đồng chí Đỗ Thị Gấm (Chi bộ Thôn 3) nay còn 1 tháng",
        "Theo dõi hộ gia đình — tháng 01/2027",
        "Cảm ơn đồng chí đã báo cáo đủ 3 hộ",
        "Ghi chú: Mái nhà bị dột sau bão",
        "Đã sửa Ngày vào Đảng của đồng chí Hoàng Thị Dung: 07/03/2026 → 07/03/2025.",
        # A member on Zalo joins by his code and answers by text (issue 26).
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
        assert await run_demo(out=out, database=url) == 0
    assert f"database: PostgreSQL {url}" in out.getvalue()
    _played_all(out.getvalue())
