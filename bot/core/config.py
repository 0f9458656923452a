"""Configuration: a TOML file read with tomllib into one pydantic model per section.

Unknown keys are rejected so typos fail loudly. ``load_config`` raises
``ConfigError`` (bot/core/config_errors.py) naming the key, rendered as one line in the
run's language, e.g. ``Lỗi cấu hình: bot.timezone: không có múi giờ 'Mars/Olympus' …``.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
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

# ConfigError and ConfigProblem are re-exported: callers catch them from here.
from bot.core.config_errors import ConfigError as ConfigError
from bot.core.config_errors import ConfigProblem as ConfigProblem
from bot.core.config_errors import from_pydantic, read_error, toml_error
from bot.texts import LANGUAGES, Language

TOKEN_ENV = "TELEGRAM_BOT_TOKEN"  # noqa: S105 - the variable name, not a secret
PASSWORD_ENV = "CHIBO_DATABASE_PASSWORD"  # noqa: S105 - the variable name, not a secret
WEBHOOK_PORT_ENV = "CHIBO_WEBHOOK_PORT"
WEBAPP_LISTEN_ENV = "CHIBO_WEBAPP_LISTEN"
ZALO_TOKEN_ENV = "ZALO_BOT_TOKEN"  # noqa: S105 - the variable name, not a secret
ZALO_SECRET_ENV = "ZALO_WEBHOOK_SECRET"  # noqa: S105 - the variable name, not a secret
_OFFSET = re.compile(r"^\s*(\d+)\s*([dhm])\s*$")
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60}


def parse_offset(text: str) -> timedelta:
    """``"3d"``, ``"2h"``, ``"30m"`` -> timedelta."""
    match = _OFFSET.match(text)
    if not match or int(match.group(1)) == 0:
        raise ConfigProblem("config_bad_duration", value=text)
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


def _check_offset(text: str) -> str:
    parse_offset(text)
    return text


def _check_cron(text: str) -> str:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(text)
    except ValueError as exc:
        raise ConfigProblem("config_bad_cron", value=text) from exc
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
    # How long ``chibo run`` keeps trying to reach Telegram and start before it gives up
    # with one line and a non-zero exit (a supervisor then restarts it).
    startup_deadline_seconds: float = Field(default=300.0, gt=0, le=86400)
    # An HTTP proxy for every request to the Bot API (http://host:port, or
    # http://user@host:port). Absent: the HTTPS_PROXY environment variable, if set;
    # "" means no proxy even when HTTPS_PROXY is set.
    proxy_url: str | None = None

    @field_validator("base_url", "base_file_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ConfigProblem("config_http_url", value=value)
        return value

    @field_validator("proxy_url")
    @classmethod
    def _proxy_url(cls, value: str | None) -> str | None:
        # Not repeated in the message: a proxy URL may hold a password.
        if value:
            try:
                parts = urlsplit(value)
                parts.port  # noqa: B018 - raises ValueError on a port that is not a number
            except ValueError:
                raise ConfigProblem("config_proxy_not_url") from None
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ConfigProblem("config_proxy_scheme")
        return value

    def proxy(self) -> str | None:
        """The proxy for the Bot API: ``proxy_url``, else ``HTTPS_PROXY`` (not for a
        host ``NO_PROXY`` names), else none."""
        if self.proxy_url is not None:
            return self.proxy_url or None
        env = (os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy") or "").strip()
        host = (urlsplit(self.base_url).hostname or "").lower()
        bypass = os.environ.get("NO_PROXY") or os.environ.get("no_proxy") or ""
        for entry in (e.strip().lower().lstrip(".") for e in bypass.split(",")):
            if entry == "*" or (entry and (host == entry or host.endswith("." + entry))):
                return None
        return env or None


class BotSettings(_Section):
    admins: list[int] = Field(default_factory=list)
    timezone: str = "Asia/Ho_Chi_Minh"
    language: Literal["vi", "en"] = "vi"
    # Commands one person may send in a burst before the bot asks them to slow down.
    user_commands_per_minute: int = Field(default=30, ge=1)
    # Memory (MB of address space) the child process reading an uploaded list may use.
    import_memory_mb: int = Field(default=512, ge=128)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigProblem("config_unknown_zone", value=value) from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class DatabaseSettings(_Section):
    """SQLite at ``path`` (the default), or with ``url`` a PostgreSQL server.

    The password never sits in the file: it comes from ``CHIBO_DATABASE_PASSWORD``
    (``database_password()``), so the URL can be shown and logged as it is."""

    path: Path = Path("chibo.sqlite3")
    url: str | None = None

    @field_validator("url")
    @classmethod
    def _postgres_url(cls, value: str | None) -> str | None:
        # The URL is not repeated in the messages: a mistaken one might hold the password.
        if value is None:
            return None
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - raises ValueError on a port that is not a number
        except ValueError:
            raise ConfigProblem("config_database_not_url") from None
        if parts.scheme not in ("postgresql", "postgres"):
            raise ConfigProblem("config_database_scheme")
        if parts.password is not None or "password" in parts.query.lower():
            raise ConfigProblem("config_database_password", env=PASSWORD_ENV)
        if not parts.path.strip("/"):
            raise ConfigProblem("config_database_no_name")
        return value

    @property
    def target(self) -> Path | str:
        """What ``storage.db.open_database`` opens: the server URL, else the SQLite file."""
        return self.url or self.path

    @property
    def on_server(self) -> bool:
        return self.url is not None


def database_password() -> str | None:
    """The PostgreSQL password, from the environment only (never the file, never logged:
    a password long enough not to mask ordinary words is masked in every log line)."""
    from bot.core.logs import REDACTOR

    password = os.environ.get(PASSWORD_ENV) or None
    if password is not None and len(password) >= 6:
        REDACTOR.add_secret(password)
    return password


class DeliverySettings(_Section):
    messages_per_second: float = Field(default=25.0, gt=0, le=1000)
    private_chat_interval_seconds: float = Field(default=1.0, ge=0)
    group_messages_per_minute: int = Field(default=20, ge=1)
    concurrency: int = Field(default=32, ge=1, le=256)
    max_attempts: int = Field(default=8, ge=1)
    read_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    # Rows due and the queue not moving for this long: one ERROR line, and status says so.
    stall_alert_seconds: float = Field(default=120.0, ge=1, le=86_400)


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


class DuesSettings(_Section):
    # A month's dues count as unpaid only after this day of the next month.
    due_day: int = Field(default=10, ge=1, le=28)


class InviteSettings(_Section):
    expire_days: int = Field(default=14, ge=1, le=365)


_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_URL_PATH = re.compile(r"^[A-Za-z0-9._~/-]*$")


def _webhook_url(value: str, schemes: tuple[str, ...]) -> str:
    """A public URL a platform POSTs updates to, served at its path by the bot."""
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.hostname:
        raise ConfigProblem("config_webhook_not_https")
    if parts.query or parts.fragment:
        raise ConfigProblem("config_webhook_query")
    if not _URL_PATH.match(parts.path):
        raise ConfigProblem("config_webhook_path")
    return value


class WebhookSettings(_Section):
    """Optional: with it ``chibo run`` serves a webhook instead of long polling.

    Telegram POSTs to ``url`` (public, HTTPS, usually a reverse proxy) and the
    bot listens on ``listen``:``port`` at the same path; a request without the
    ``X-Telegram-Bot-Api-Secret-Token`` header equal to ``secret_token`` is refused.
    """

    url: str
    listen: str = Field(min_length=1)
    port: int = Field(ge=1, le=65535)
    secret_token: SecretStr

    @field_validator("url")
    @classmethod
    def _https_url(cls, value: str) -> str:
        # The URL is not repeated in the messages: a mistaken one might hold the token.
        return _webhook_url(value, ("https",))

    @field_validator("secret_token", mode="before")
    @classmethod
    def _telegram_secret(cls, value: object) -> object:
        # The value is never repeated in the message: it is a secret.
        if not isinstance(value, str | SecretStr):
            raise ConfigProblem("config_not_string")
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if not _SECRET_TOKEN.match(text):
            raise ConfigProblem("config_secret_token_shape")
        return value

    @property
    def url_path(self) -> str:
        """The path the local server answers on: the URL's, as a reverse proxy passes it."""
        return urlsplit(self.url).path.strip("/")


class WebappSettings(_Section):
    """The officers' console (a Telegram Mini App) served by the bot itself.

    The bot listens on ``listen`` (``host:port``); Telegram clients reach it at
    ``public_url`` (HTTPS, usually nginx in front). Init data older than
    ``max_age_hours`` is refused."""

    enabled: bool = False
    listen: str = "127.0.0.1:8443"
    public_url: str = ""
    max_age_hours: int = Field(default=24, ge=1, le=24 * 30)

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 <= int(port) < 65536:
            raise ConfigProblem("config_host_port", value=value)
        return value

    @field_validator("public_url")
    @classmethod
    def _public(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ConfigProblem("config_public_url")
        return value.rstrip("/")

    @property
    def host(self) -> str:
        return self.listen.rpartition(":")[0]

    @property
    def port(self) -> int:
        return int(self.listen.rpartition(":")[2])


class ZaloSettings(_Section):
    """The Zalo channel: members reached through the Zalo Bot API.

    The token comes from ``ZALO_BOT_TOKEN`` and the webhook secret from
    ``ZALO_WEBHOOK_SECRET`` (environment only, never the file, never logged). Without
    ``webhook_url`` the bot polls (getUpdates); with it, Zalo POSTs each event to that
    URL and the bot listens on ``listen``:``port`` at the URL's path.
    """

    enabled: bool = False
    token: SecretStr | None = None
    base_url: str = "https://bot-api.zaloplatforms.com"
    webhook_url: str | None = None
    listen: str = "127.0.0.1"
    port: int = Field(default=8444, ge=0, le=65535)
    webhook_secret: SecretStr | None = None
    # Zalo publishes no numeric limit: pace sends conservatively, back off on 429.
    rate: float = Field(default=10.0, gt=0, le=1000)
    per_chat_interval_seconds: float = Field(default=1.0, ge=0)
    concurrency: int = Field(default=8, ge=1, le=64)
    # Wrong codes one Zalo user may type per hour before being asked to wait.
    code_attempts_per_hour: int = Field(default=5, ge=1)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ConfigProblem("config_http_url", value=value)
        return value.rstrip("/")

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        return _webhook_url(value, ("https", "http"))  # http: a local test server

    @property
    def url_path(self) -> str:
        return "/" + urlsplit(self.webhook_url or "").path.strip("/")

    def bot_token(self) -> str | None:
        value = self.token.get_secret_value().strip() if self.token else ""
        return value or None

    def secret(self) -> str | None:
        value = self.webhook_secret.get_secret_value().strip() if self.webhook_secret else ""
        return value or None


class Config(_Section):
    telegram: TelegramSettings = TelegramSettings()
    bot: BotSettings = BotSettings()
    database: DatabaseSettings = DatabaseSettings()
    delivery: DeliverySettings = DeliverySettings()
    meetings: MeetingSettings = MeetingSettings()
    duties: DutySettings = DutySettings()
    dues: DuesSettings = DuesSettings()
    invites: InviteSettings = InviteSettings()
    webhook: WebhookSettings | None = None
    webapp: WebappSettings = WebappSettings()
    zalo: ZaloSettings = ZaloSettings()

    def token(self) -> str | None:
        secret = self.telegram.token
        value = secret.get_secret_value().strip() if secret else ""
        return value or None


_TOKEN_SHAPE = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{1,200}$")


def token_well_formed(token: str) -> bool:
    """A bot token's shape: the bot's numeric id, a colon, then URL-safe characters
    (``123456789:AAH…``). Anything else cannot be a token: refused before any request."""
    return bool(_TOKEN_SHAPE.match(token))


def config_from_dict(data: dict[str, Any], *, base_dir: Path | None = None) -> Config:
    env_token = os.environ.get(TOKEN_ENV, "").strip()
    if env_token:
        data = {**data, "telegram": {**data.get("telegram", {}), "token": env_token}}
    env_port = os.environ.get(WEBHOOK_PORT_ENV, "").strip()
    if env_port and isinstance(data.get("webhook"), dict):
        # One config file for every worker on a machine, each listening on its own port.
        data = {**data, "webhook": {**data["webhook"], "port": env_port}}
    env_listen = os.environ.get(WEBAPP_LISTEN_ENV, "").strip()
    if env_listen:
        # Several workers on one machine: each serves the console on its own port.
        data = {**data, "webapp": {**data.get("webapp", {}), "listen": env_listen}}
    data = _zalo_from_env(data)
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        problem = from_pydantic(exc.errors()[0])
        problem.language = _language_of(data)
        raise problem from None
    try:
        _check_secrets(config)
    except ConfigError as problem:
        problem.language = config.bot.language
        raise
    if base_dir is not None and not config.database.path.is_absolute():
        database = config.database.model_copy(update={"path": base_dir / config.database.path})
        config = config.model_copy(update={"database": database})
    return config


def _language_of(data: dict[str, Any]) -> Language | None:
    """``[bot] language`` of a file that does not validate, when it is one we speak."""
    bot = data.get("bot")
    language = bot.get("language") if isinstance(bot, dict) else None
    return next((lang for lang in LANGUAGES if lang == language), None)


def _check_secrets(config: Config) -> None:
    """No token in a webhook URL; the Zalo secrets present when Zalo is on."""
    token = config.token()
    secret = (token.partition(":")[2] or token) if token else None
    if config.webhook is not None and secret and secret in config.webhook.url:
        raise ConfigError("webhook.url", "config_url_has_token")
    _check_zalo(config.zalo)


def _zalo_from_env(data: dict[str, Any]) -> dict[str, Any]:
    """The Zalo token and webhook secret come from the environment (they override the file)."""
    zalo = dict(data.get("zalo", {})) if isinstance(data.get("zalo"), dict) else None
    if zalo is None:
        return data
    for env, key in ((ZALO_TOKEN_ENV, "token"), (ZALO_SECRET_ENV, "webhook_secret")):
        value = os.environ.get(env, "").strip()
        if value:
            zalo[key] = value
    return {**data, "zalo": zalo}


def _check_zalo(zalo: ZaloSettings) -> None:
    from bot.core.logs import REDACTOR

    for secret in (zalo.bot_token(), zalo.secret()):
        if secret is not None and len(secret) >= 6:
            REDACTOR.add_secret(secret)
    if not zalo.enabled:
        return
    token = zalo.bot_token()
    if token is None:
        raise ConfigError("zalo.token", "config_zalo_token", {"env": ZALO_TOKEN_ENV})
    if zalo.webhook_url is not None:
        secret = zalo.secret()
        if secret is None or not 8 <= len(secret) <= 256:
            raise ConfigError("zalo.webhook_secret", "config_zalo_secret",
                              {"env": ZALO_SECRET_ENV})
        if token in zalo.webhook_url or (token.partition(":")[2] or token) in zalo.webhook_url:
            raise ConfigError("zalo.webhook_url", "config_url_has_token")


def load_config(path: Path | str) -> Config:
    """Read and validate the configuration file; relative paths are relative to it."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise read_error(path, exc) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(str(path), "config_not_utf8", {"position": str(exc.start + 1)}) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise toml_error(path, exc) from None
    return config_from_dict(data, base_dir=path.resolve().parent)
