"""Operator commands behind ``chibo unit``, ``chibo invite`` and ``chibo import``.

The command line is trusted (whoever runs it owns the server), so it acts as
an administrator; each action still goes through the same domain rules.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from bot.core.access import Actor
from bot.core.clock import SystemClock, today_in
from bot.core.config import TOKEN_ENV, Config, database_password, token_well_formed
from bot.core.errors import AppError
from bot.core.logs import REDACTOR
from bot.core.names import fold_accents
from bot.core.permissions import unit_or_fail
from bot.core.services import Services
from bot.imports import describe
from bot.imports.plan import describe_update
from bot.members import privacy
from bot.members.member_import import (
    apply_member_import,
    links_delivered,
    parse_members,
    plan_member_import,
)
from bot.members.registration import IssuedInvite, create_unit, issue_invite
from bot.runtime.delivery.aiohttp_request import proxied_request
from bot.runtime.delivery.telegram_transport import rejected_status
from bot.texts import Texts
from storage import people, units
from storage.db import open_database
from storage.people import MemberRow
from storage.units import UnitRow

OPERATOR = Actor(telegram_user_id=0, is_admin=True)


class OperatorError(Exception):
    """One line for the operator's terminal."""


async def bot_username(config: Config, texts: Texts) -> str:
    if config.telegram.bot_username:
        return config.telegram.bot_username.lstrip("@")
    token = config.token()
    if token is None:
        raise OperatorError(texts("cli_bot_username_needed", env=TOKEN_ENV))
    if not token_well_formed(token):
        raise OperatorError(texts("cli_token_malformed", env=TOKEN_ENV))
    REDACTOR.add_secret(token)
    try:
        async with Bot(token, base_url=config.telegram.base_url,
                       request=proxied_request(config)) as bot:
            return bot.username
    except InvalidToken as err:  # its message carries the token: never shown
        raise OperatorError(texts("startup_token_rejected", status=rejected_status(err),
                                  env=TOKEN_ENV)) from None
    except (TelegramError, OSError) as err:
        raise OperatorError(texts("cli_bot_api_error", error=REDACTOR.redact(
            f"{type(err).__name__}: {err}"))) from None


@asynccontextmanager
async def operator_services(config: Config, texts: Texts, *, need_username: bool = False
                            ) -> AsyncIterator[Services]:
    username = await bot_username(config, texts) if need_username else "chibo_bot"
    db = await open_database(config.database.target, password=database_password())
    try:
        yield Services(config=config, db=db, clock=SystemClock(), bot_username=username)
    finally:
        await db.close()


def _explain(error: AppError, texts: Texts) -> OperatorError:
    return OperatorError(texts(error.key, **error.params))


async def add_unit(config: Config, name: str, parent: int | None, texts: Texts) -> UnitRow:
    async with operator_services(config, texts) as services:
        if parent is not None:  # explained for the command line, not with a bot command
            above = await units.get_unit(services.db, parent)
            if above is None:
                raise OperatorError(texts("cli_unit_parent_missing", parent=parent))
            if above.kind != "committee":
                raise OperatorError(texts("cli_unit_parent_not_committee", parent=parent))
        try:
            return await create_unit(services, OPERATOR, kind="branch" if parent else "committee",
                                     name=name, parent_id=parent)
        except AppError as err:
            raise _explain(err, texts) from None


async def list_units(config: Config) -> list[UnitRow]:
    async with operator_services(config, Texts("vi")) as services:
        return await units.all_units(services.db)


async def list_people(config: Config, unit_id: int, name: str | None, texts: Texts
                      ) -> list[MemberRow]:
    """The unit's members (those who left too: an erasure request may concern them),
    optionally only those whose name contains ``name`` (accents and case ignored)."""
    async with operator_services(config, texts) as services:
        if await units.get_unit(services.db, unit_id) is None:
            raise OperatorError(texts("cli_no_unit", unit=unit_id))
        found = await people.members_of(services.db, unit_id, active_only=False)
    if name:
        wanted = fold_accents(name)
        found = [m for m in found if wanted in fold_accents(m.full_name)]
    return found


async def invite(config: Config, unit_id: int, role: str, name: str, texts: Texts
                 ) -> IssuedInvite:
    async with operator_services(config, texts, need_username=True) as services:
        try:
            await unit_or_fail(services, unit_id)
            return await issue_invite(services, unit_id=unit_id, full_name=name, role=role)
        except AppError as err:
            raise _explain(err, texts) from None


async def person_data(config: Config, person_id: int, texts: Texts) -> dict[str, Any]:
    async with operator_services(config, texts) as services:
        try:
            return await privacy.operator_export(services, person_id,
                                                 OPERATOR.telegram_user_id)
        except AppError as err:
            raise _explain(err, texts) from None


async def erase_person(config: Config, person_id: int, texts: Texts) -> str:
    async with operator_services(config, texts) as services:
        try:
            return await privacy.erase(services, person_id, OPERATOR.telegram_user_id)
        except AppError as err:
            raise _explain(err, texts) from None


def read_file(path: Path, texts: Texts) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise OperatorError(texts("cli_cannot_read", path=path, reason=exc.strerror)) from None


async def import_members(config: Config, unit_id: int, path: Path, data: bytes, *, force: bool,
                         texts: Texts) -> tuple[list[IssuedInvite], list[str]]:
    """Import a member file into a branch; with errors nothing is imported unless ``force``."""
    async with operator_services(config, texts, need_username=True) as services:
        try:
            unit = await unit_or_fail(services, unit_id)
            if unit.kind != "branch":
                raise OperatorError(texts("cli_import_not_branch", unit=unit.id, name=unit.name))
            officer = Actor(telegram_user_id=0, is_admin=True, branch_roles={unit.id: "secretary"})
            parsed = parse_members(path.name, data, today_in(services))
            if parsed.file_error is not None:
                raise OperatorError(describe(parsed.file_error, texts.lang))
            plan = await plan_member_import(services, officer, unit_id, parsed, texts.lang)
            # Updates of people already in the branch wait for a confirmation too.
            listed = plan.problems + [describe_update(u, texts.lang) for u in plan.updates]
            if listed and not force:
                return [], listed
            issued = (await apply_member_import(services, officer, plan)).issued
            await links_delivered(services, [i.invite_id for i in issued])  # printed here
            return issued, listed
        except AppError as err:
            raise _explain(err, texts) from None
