"""The ``chibo`` command line: run, demo, migrate, backup, and operator tools."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from bot import __version__
from bot.config import TOKEN_ENV, Config, ConfigError, load_config

EXIT_USAGE = 2

NO_TOKEN = (
    f"no bot token: set {TOKEN_ENV} (or [telegram] token in the config); get one from "
    "@BotFather in Telegram with /newbot. `chibo demo` needs no token."
)


def _config_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", "-c", type=Path, default=Path("config.toml"),
        help="configuration file (default: config.toml; see config.example.toml)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chibo",
        description="chibo: the Telegram bot for Party branch (chi bộ) routine.",
    )
    parser.add_argument("--version", action="version", version=f"chibo {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the bot (long polling)",
                         description="Run the bot against Telegram with long polling.")
    _config_arg(run)
    run.set_defaults(func=cmd_run)

    demo = sub.add_parser(
        "demo", help="play a scripted branch against the built-in emulator (no token needed)",
        description="Start the built-in Bot API emulator and the real bot on a temporary "
        "database, play a scripted exchange and print it as a transcript.",
    )
    demo.add_argument("--lang", choices=("vi", "en"), default="vi", help="default language")
    demo.set_defaults(func=cmd_demo)

    migrate = sub.add_parser("migrate", help="create or upgrade the database schema",
                             description="Apply pending schema migrations and exit.")
    _config_arg(migrate)
    migrate.set_defaults(func=cmd_migrate)

    backup = sub.add_parser(
        "backup", help="consistent copy of the database, safe while the bot runs",
        description="Copy the database with SQLite's online backup API.",
    )
    backup.add_argument("path", type=Path, help="where to write the copy")
    _config_arg(backup)
    backup.set_defaults(func=cmd_backup)

    status = sub.add_parser(
        "status", help="delivery queue, last 24 hours, unreachable members",
        description="Print the outbox queue depth by state, what was sent and failed in the "
        "last 24 hours, and the members who cannot be reached.",
    )
    _config_arg(status)
    status.set_defaults(func=cmd_status)
    return parser


def _load(path: Path) -> Config:
    return load_config(path)


def _run_async(coro_factory: Callable[[], Coroutine[Any, Any, int]]) -> int:
    return asyncio.run(coro_factory())


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import build_application, run_polling
    from bot.logs import setup_logging

    config = _load(args.config)
    token = config.token()
    if token is None:
        print(NO_TOKEN, file=sys.stderr)
        return EXIT_USAGE
    setup_logging()
    run_polling(build_application(config, token))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    return _run_async(lambda: run_demo(lang=args.lang))


def cmd_migrate(args: argparse.Namespace) -> int:
    from storage.db import open_database

    config = _load(args.config)

    async def migrate() -> int:
        db = await open_database(config.database.path)
        version = await db.user_version()
        await db.close()
        print(f"database {config.database.path} is at schema version {version}")
        return 0

    return _run_async(migrate)


def cmd_backup(args: argparse.Namespace) -> int:
    from storage.db import open_database

    config = _load(args.config)
    target: Path = args.path
    if target.exists():
        print(f"backup: {target} already exists; choose a new path", file=sys.stderr)
        return EXIT_USAGE

    async def backup() -> int:
        db = await open_database(config.database.path, migrate=False)
        try:
            await db.backup_to(target)
        finally:
            await db.close()
        print(f"backup written to {target}")
        return 0

    return _run_async(backup)


def cmd_status(args: argparse.Namespace) -> int:
    from bot.clock import SystemClock
    from bot.status import delivery_status, render_status
    from bot.texts import Texts
    from storage.db import open_database

    config = _load(args.config)

    async def status() -> int:
        db = await open_database(config.database.path)
        try:
            stats = await delivery_status(db, SystemClock())
        finally:
            await db.close()
        print(render_status(stats, Texts(config.bot.language), config.bot.tz))
        return 0

    return _run_async(status)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 0
    return result


if __name__ == "__main__":
    sys.exit(main())
