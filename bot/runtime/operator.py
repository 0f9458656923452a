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
from bot.core.config import TOKEN_ENV, Config, ConfigError, database_password
from bot.core.errors import AppError
from bot.core.logs import REDACTOR
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
from bot.runtime.delivery.telegram_transport import rejected_status
from bot.texts import Texts
from storage import units
from storage.db import open_database
from storage.units import UnitRow

OPERATOR = Actor(telegram_user_id=0, is_admin=True)


class OperatorError(Exception):
    """One line for the operator's terminal."""


async def bot_username(config: Config) -> str:
    if config.telegram.bot_username:
        return config.telegram.bot_username.lstrip("@")
    token = config.token()
    if token is None:
        raise ConfigError("config error: telegram.bot_username: needed for invite links "
                          "(or set TELEGRAM_BOT_TOKEN so it can be asked from Telegram)")
    texts = Texts(config.bot.language)
    REDACTOR.add_secret(token)
    try:
        async with Bot(token, base_url=config.telegram.base_url) as bot:
            return bot.username
    except InvalidToken as err:  # its message carries the token: never shown
        raise OperatorError(texts("startup_token_rejected", status=rejected_status(err),
                                  env=TOKEN_ENV)) from None
    except (TelegramError, OSError) as err:
        raise OperatorError(texts("cli_bot_api_error", error=REDACTOR.redact(
            f"{type(err).__name__}: {err}"))) from None


@asynccontextmanager
async def operator_services(config: Config, *, need_username: bool = False
                            ) -> AsyncIterator[Services]:
    username = await bot_username(config) if need_username else "chibo_bot"
    db = await open_database(config.database.target, password=database_password())
    try:
        yield Services(config=config, db=db, clock=SystemClock(), bot_username=username)
    finally:
        await db.close()


def _explain(error: AppError, texts: Texts) -> OperatorError:
    return OperatorError(texts(error.key, **error.params))


async def add_unit(config: Config, name: str, parent: int | None) -> UnitRow:
    texts = Texts(config.bot.language)
    async with operator_services(config) as services:
        try:
            return await create_unit(services, OPERATOR, kind="branch" if parent else "committee",
                                     name=name, parent_id=parent)
        except AppError as err:
            raise _explain(err, texts) from None


async def list_units(config: Config) -> list[UnitRow]:
    async with operator_services(config) as services:
        return await units.all_units(services.db)


async def invite(config: Config, unit_id: int, role: str, name: str) -> IssuedInvite:
    texts = Texts(config.bot.language)
    async with operator_services(config, need_username=True) as services:
        try:
            await unit_or_fail(services, unit_id)
            return await issue_invite(services, unit_id=unit_id, full_name=name, role=role)
        except AppError as err:
            raise _explain(err, texts) from None


async def person_data(config: Config, person_id: int) -> dict[str, Any]:
    async with operator_services(config) as services:
        try:
            return await privacy.person_data(services, person_id)
        except AppError as err:
            raise _explain(err, Texts(config.bot.language)) from None


async def erase_person(config: Config, person_id: int) -> str:
    async with operator_services(config) as services:
        try:
            return await privacy.erase(services, person_id, None)
        except AppError as err:
            raise _explain(err, Texts(config.bot.language)) from None


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise OperatorError(f"cannot read {path}: {exc.strerror}") from None


async def import_members(config: Config, unit_id: int, path: Path, data: bytes, *, force: bool
                         ) -> tuple[list[IssuedInvite], list[str]]:
    """Import a member file; with errors nothing is imported unless ``force``."""
    texts = Texts(config.bot.language)
    async with operator_services(config, need_username=True) as services:
        try:
            unit = await unit_or_fail(services, unit_id)
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
