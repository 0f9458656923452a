"""Mini App init data validated as Telegram specifies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.console.initdata import InitDataRejected, check_string, validate
from emulator.webapp import sign_init_data

TOKEN = "123456:TEST-TOKEN"
NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
DAY = timedelta(hours=24)
USER = {"id": 4000, "first_name": "Bí thư", "language_code": "vi"}


def signed(age: timedelta = timedelta(0), **extra: str) -> str:
    return sign_init_data(TOKEN, USER, int((NOW - age).timestamp()), **extra)


def test_valid_data_names_the_user() -> None:
    user = validate(signed(timedelta(hours=23)), TOKEN, NOW, DAY)
    assert user.telegram_user_id == 4000 and user.first_name == "Bí thư"
    assert user.language_code == "vi"


def test_every_field_but_hash_is_signed_sorted() -> None:
    fields = dict(parse_qsl(signed(signature="abc")))
    assert check_string(fields).split("\n")[0].startswith("auth_date=")
    assert "signature=abc" in check_string(fields) and "hash=" not in check_string(fields)
    assert validate(signed(signature="abc"), TOKEN, NOW, DAY).telegram_user_id == 4000


@pytest.mark.parametrize("mutate", [
    lambda f: {**f, "user": f["user"].replace("4000", "4001")},  # another user
    lambda f: {**f, "auth_date": str(int(f["auth_date"]) + 1)},  # a refreshed date
    lambda f: {**f, "hash": "0" * 64},
    lambda f: {k: v for k, v in f.items() if k != "hash"},
    lambda f: {**f, "extra": "1"},  # a field added after signing
])
def test_forged_data_is_refused(mutate: object) -> None:
    fields = dict(parse_qsl(signed()))
    forged = urlencode(mutate(fields))  # type: ignore[operator]
    with pytest.raises(InitDataRejected):
        validate(forged, TOKEN, NOW, DAY)


def test_another_bots_token_is_refused() -> None:
    with pytest.raises(InitDataRejected):
        validate(signed(), "999:OTHER", NOW, DAY)


def test_expired_and_future_data_is_refused() -> None:
    with pytest.raises(InitDataRejected):
        validate(signed(timedelta(hours=25)), TOKEN, NOW, DAY)
    with pytest.raises(InitDataRejected):
        validate(signed(-timedelta(hours=1)), TOKEN, NOW, DAY)
    assert validate(signed(timedelta(hours=2)), TOKEN, NOW, timedelta(hours=3))


@pytest.mark.parametrize("text", ["", "x" * 5000, "a=1&a=2", "%%%", "hash=abc"])
def test_malformed_data_is_refused(text: str) -> None:
    with pytest.raises(InitDataRejected):
        validate(text, TOKEN, NOW, DAY)
