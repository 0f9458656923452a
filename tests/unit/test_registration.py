"""Registration rules on a real SQLite file: names, tokens, invite states."""

from __future__ import annotations

import logging
import unicodedata
from datetime import timedelta

import pytest

from bot.core.access import Actor
from bot.core.clock import FakeClock
from bot.core.config import Config
from bot.core.errors import Denied, Invalid
from bot.core.logs import REDACTOR
from bot.core.services import Services
from bot.core.tokens import hash_token, new_token
from bot.members.registration import (
    InviteState,
    create_unit,
    issue_invite,
    officer_invite,
    preview,
    redeem,
)
from storage import people
from storage.db import Database

ADMIN = Actor(telegram_user_id=1, is_admin=True)


@pytest.fixture
def services(db: Database, clock: FakeClock) -> Services:
    return Services(config=Config(), db=db, clock=clock, bot_username="chibo_bot")


async def branch(services: Services) -> int:
    committee = await create_unit(services, ADMIN, kind="committee", name="Đảng ủy xã",
                                  parent_id=None)
    unit = await create_unit(services, ADMIN, kind="branch", name="Chi bộ 1",
                             parent_id=committee.id)
    return unit.id


def test_token_has_at_least_96_bits_and_fits_a_start_payload() -> None:
    tokens = {new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    for token in list(tokens)[:50]:
        assert len(token) <= 64
        assert all(c.isalnum() or c in "-_" for c in token)
        # base64url carries 6 bits per character
        assert len(token) * 6 >= 96
    assert hash_token("abc") != "abc" and len(hash_token("abc")) == 64


async def test_only_the_hash_is_stored(services: Services) -> None:
    unit_id = await branch(services)
    issued = await issue_invite(services, unit_id=unit_id, full_name="Nguyễn Văn An")
    dump = "\n".join(str(tuple(r)) for r in await services.db.fetch_all("SELECT * FROM invites"))
    assert issued.token not in dump
    assert hash_token(issued.token) in dump


async def test_name_typed_in_nfd_or_nfc_finds_the_same_person(services: Services) -> None:
    unit_id = await branch(services)
    nfc = unicodedata.normalize("NFC", "Nguyễn Thị Hằng")
    nfd = unicodedata.normalize("NFD", "NGUYỄN THỊ HẰNG")
    assert nfc != nfd
    first = await issue_invite(services, unit_id=unit_id, full_name=nfc)
    second = await issue_invite(services, unit_id=unit_id, full_name=f"  {nfd} ")
    assert first.person_id == second.person_id  # the same (unbound) member got a new link
    assert await people.count_members(services.db, unit_id) == 1
    # Accent-aware: a different name without diacritics is another person.
    other = await issue_invite(services, unit_id=unit_id, full_name="Nguyen Thi Hang")
    assert other.person_id != first.person_id
    # The older link of the same person was revoked by the new one.
    assert (await preview(services, first.token)).state is InviteState.REVOKED


async def test_invite_states(services: Services, clock: FakeClock) -> None:
    unit_id = await branch(services)
    issued = await issue_invite(services, unit_id=unit_id, full_name="Lê Văn Bình")
    assert (await preview(services, issued.token)).state is InviteState.VALID
    joined = await redeem(services, issued.token, 777)
    assert joined.full_name == "Lê Văn Bình"
    assert (await preview(services, issued.token)).state is InviteState.USED
    with pytest.raises(Invalid) as used:
        await redeem(services, issued.token, 778)
    assert used.value.key == "invite_used"
    later = await issue_invite(services, unit_id=unit_id, full_name="Phạm Thị Cúc")
    clock.advance(timedelta(days=14, seconds=1))
    assert (await preview(services, later.token)).state is InviteState.EXPIRED
    assert (await preview(services, "not-a-token")).state is InviteState.UNKNOWN


async def test_officer_rules(services: Services) -> None:
    unit_id = await branch(services)
    member = Actor(telegram_user_id=5, person_id=99, branch_roles={unit_id: "member"})
    with pytest.raises(Denied):
        await officer_invite(services, member, unit_id, "Ai Đó")
    with pytest.raises(Denied):
        await create_unit(services, member, kind="committee", name="X", parent_id=None)
    with pytest.raises(Invalid):
        await create_unit(services, ADMIN, kind="branch", name="Không cha", parent_id=None)
    secretary = Actor(telegram_user_id=6, person_id=98, branch_roles={unit_id: "secretary"})
    with pytest.raises(Invalid) as bad:
        await officer_invite(services, secretary, unit_id, "\u200b\u200b  ")
    assert bad.value.key == "name_invalid"


def test_invite_tokens_and_bot_token_are_redacted_from_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = new_token()
    REDACTOR.add_secret("123456:SECRET-BOT-TOKEN")
    logger = logging.getLogger("chibo.test")
    logger.addFilter(REDACTOR)
    try:
        with caplog.at_level(logging.INFO):
            logger.info("update text: /start %s", token)
            logger.info("GET https://api.telegram.org/bot123456:SECRET-BOT-TOKEN/getMe")
            logger.info("link https://t.me/chibo_bot?start=%s", token)
    finally:
        logger.removeFilter(REDACTOR)
    text = caplog.text
    assert token not in text
    assert "SECRET-BOT-TOKEN" not in text
    assert "[invite]" in text
