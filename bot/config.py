"""Configuration: a TOML file read with tomllib into one pydantic model per section.

Unknown keys are rejected so typos fail loudly. ``load_config`` raises
``ConfigError`` whose text is the one line shown to the operator, naming the
key, e.g. ``config error: bot.timezone: unknown time zone 'Mars/Olympus'``.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)

TOKEN_ENV = "TELEGRAM_BOT_TOKEN"  # noqa: S105 - the variable name, not a secret
_OFFSET = re.compile(r"^\s*(\d+)\s*([dhm])\s*$")
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60}


class ConfigError(Exception):
    """A configuration problem, worded as the single line shown to the operator."""


def parse_offset(text: str) -> timedelta:
    """``"3d"``, ``"2h"``, ``"30m"`` -> timedelta."""
    match = _OFFSET.match(text)
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"'{text}' is not a duration like '3d', '2h' or '30m'")
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


def _check_offset(text: str) -> str:
    parse_offset(text)
    return text


def _check_cron(text: str) -> str:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(text)
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a cron expression like '0 8 1 * *' ({exc})") from exc
    return text


Offset = Annotated[str, AfterValidator(_check_offset)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TelegramSettings(_Section):
    token: SecretStr | None = None
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    # The bot's @username, for invite links printed by the command line; when empty
    # the command line asks Telegram (getMe) with the token.
    bot_username: str = ""

    @field_validator("base_url", "base_file_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"'{value}' must start with http:// or https://")
        return value


class BotSettings(_Section):
    admins: list[int] = Field(default_factory=list)
    timezone: str = "Asia/Ho_Chi_Minh"
    language: Literal["vi", "en"] = "vi"
    # Commands one person may send in a burst before the bot asks them to slow down.
    user_commands_per_minute: int = Field(default=30, ge=1)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}'") from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class DatabaseSettings(_Section):
    path: Path = Path("chibo.sqlite3")


class DeliverySettings(_Section):
    messages_per_second: float = Field(default=25.0, gt=0, le=1000)
    private_chat_interval_seconds: float = Field(default=1.0, ge=0)
    group_messages_per_minute: int = Field(default=20, ge=1)
    concurrency: int = Field(default=32, ge=1, le=256)
    max_attempts: int = Field(default=8, ge=1)
    read_timeout_seconds: float = Field(default=10.0, gt=0, le=120)


class MeetingSettings(_Section):
    reminder_offsets: list[Offset] = Field(default_factory=lambda: ["3d", "2h"])
    officer_digest_before: Offset = "1d"
    create_days_ahead: int = Field(default=10, ge=1, le=60)
    default_duration_minutes: int = Field(default=90, ge=15)
    combined_duration_minutes: int = Field(default=120, ge=15)

    @property
    def reminder_deltas(self) -> list[timedelta]:
        return sorted((parse_offset(o) for o in self.reminder_offsets), reverse=True)


class DutySettings(_Section):
    schedule: Annotated[str, AfterValidator(_check_cron)] = "0 8 1 * *"
    nudge_after_days: int = Field(default=7, ge=1, le=28)


class InviteSettings(_Section):
    expire_days: int = Field(default=14, ge=1, le=365)


class Config(_Section):
    telegram: TelegramSettings = TelegramSettings()
    bot: BotSettings = BotSettings()
    database: DatabaseSettings = DatabaseSettings()
    delivery: DeliverySettings = DeliverySettings()
    meetings: MeetingSettings = MeetingSettings()
    duties: DutySettings = DutySettings()
    invites: InviteSettings = InviteSettings()

    def token(self) -> str | None:
        secret = self.telegram.token
        value = secret.get_secret_value().strip() if secret else ""
        return value or None


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    key = ".".join(str(part) for part in err["loc"])
    if err["type"] == "extra_forbidden":
        return f"{key}: unknown key"
    message = str(err["msg"]).removeprefix("Value error, ")
    value = err.get("input")
    if err["type"] not in ("value_error", "missing") and isinstance(value, str | int | float):
        message = f"{message} (got {value!r})"
    return f"{key}: {message}"


def config_from_dict(data: dict[str, Any], *, base_dir: Path | None = None) -> Config:
    env_token = os.environ.get(TOKEN_ENV, "").strip()
    if env_token:
        data = {**data, "telegram": {**data.get("telegram", {}), "token": env_token}}
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"config error: {_first_error(exc)}") from None
    if base_dir is not None and not config.database.path.is_absolute():
        database = config.database.model_copy(update={"path": base_dir / config.database.path})
        config = config.model_copy(update={"database": database})
    return config


def load_config(path: Path | str) -> Config:
    """Read and validate the configuration file; relative paths are relative to it."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"config error: cannot read {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config error: {path}: not valid TOML: {exc}") from None
    return config_from_dict(data, base_dir=path.resolve().parent)
