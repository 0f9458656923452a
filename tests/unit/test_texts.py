"""Message catalogs and Vietnamese formatting."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core import formatting as fmt
from bot.texts import CATALOGS, t


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_exists_in_every_language() -> None:
    vi, en = set(CATALOGS["vi"]), set(CATALOGS["en"])
    assert vi - en == set(), f"missing in English: {sorted(vi - en)}"
    assert en - vi == set(), f"missing in Vietnamese: {sorted(en - vi)}"


@pytest.mark.parametrize("key", sorted(CATALOGS["vi"]))
def test_placeholders_match_across_languages(key: str) -> None:
    assert placeholders(CATALOGS["vi"][key]) == placeholders(CATALOGS["en"][key])


def test_texts_are_within_telegram_limits() -> None:
    for lang, catalog in CATALOGS.items():
        for key, text in catalog.items():
            assert 0 < len(text) < 4096, (lang, key)


def test_unknown_key_fails_loudly() -> None:
    with pytest.raises(KeyError):
        t("vi", "no_such_text")


def test_vietnamese_numbers_and_percent() -> None:
    assert fmt.number(1683) == "1.683"
    assert fmt.ratio(1683, 1924) == "1.683/1.924"
    assert fmt.ratio(578, 1017) == "578/1.017"
    assert fmt.percent(0.942) == "94,2%"
    assert fmt.percent(None) == "—"
    assert fmt.number(1683, "en") == "1,683"
    assert fmt.percent(0.942, "en") == "94.2%"


def test_dates_and_times_in_the_configured_zone() -> None:
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    instant = datetime(2026, 12, 5, 12, 30, tzinfo=UTC)
    assert fmt.local_time(instant, tz) == "05/12/2026 19:30"
    assert fmt.weekday_time(instant, tz) == "Thứ Bảy, 05/12/2026 19:30"
    assert fmt.weekday_time(instant, tz, "en") == "Saturday, 05/12/2026 19:30"
    assert fmt.day(date(2026, 1, 9)) == "09/01/2026"
    assert fmt.month("2026-03") == "03/2026"
