"""The ``chibo`` command line: run, demo, migrate, backup, and operator tools."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

from bot import __version__
from bot.core.config import (
    PASSWORD_ENV,
    TOKEN_ENV,
    Config,
    ConfigError,
    database_password,
    load_config,
)
from bot.runtime.operator import OperatorError
from storage.db import DatabaseUnavailable

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

    run = sub.add_parser(
        "run", help="run the bot (long polling, or a webhook with [webhook])",
        description="Run the bot against Telegram: long polling, or with a [webhook] "
        "section a webhook server that Telegram posts updates to.",
    )
    _config_arg(run)
    run.set_defaults(func=cmd_run)

    demo = sub.add_parser(
        "demo", help="play a scripted branch against the built-in emulator (no token needed)",
        description="Start the built-in Bot API emulator and the real bot on a temporary "
        "database, play a scripted exchange and print it as a transcript.",
    )
    demo.add_argument("--lang", choices=("vi", "en"), default="vi", help="default language")
    demo.add_argument(
        "--database", metavar="URL", default=None,
        help="play on this empty PostgreSQL database (postgresql://user@host/db; password "
        "from CHIBO_DATABASE_PASSWORD) instead of a temporary SQLite file")
    demo.set_defaults(func=cmd_demo)

    migrate = sub.add_parser(
        "migrate", help="create or upgrade the database schema",
        description="Apply pending schema migrations and exit. With --from-sqlite, also "
        "copy a SQLite chibo database into the empty PostgreSQL database of [database] url.")
    migrate.add_argument(
        "--from-sqlite", type=Path, metavar="FILE",
        help="copy this SQLite database (migrated first) into the empty PostgreSQL one, "
        "keeping ids, in one transaction; the row counts are compared and printed")
    _config_arg(migrate)
    migrate.set_defaults(func=cmd_migrate)

    backup = sub.add_parser(
        "backup", help="consistent copy of the database, safe while the bot runs",
        description="Copy the database: SQLite with its online backup API; PostgreSQL "
        "with pg_dump --format=custom (restore with pg_restore).",
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

    unit = sub.add_parser("unit", help="committees and branches",
                          description="Create and list units (committees and branches).")
    unit_sub = unit.add_subparsers(dest="unit_command", required=True, metavar="ACTION")
    unit_add = unit_sub.add_parser(
        "add", help="create a committee, or a branch with --parent",
        description="Create a committee, or with --parent a branch under that committee. "
        "Prints the new unit's id on its own line.",
    )
    unit_add.add_argument("--name", required=True, help="the unit's name")
    unit_add.add_argument("--parent", type=int, help="committee id (makes a branch)")
    _config_arg(unit_add)
    unit_add.set_defaults(func=cmd_unit_add)
    unit_list = unit_sub.add_parser("list", help="list units", description="List all units.")
    _config_arg(unit_list)
    unit_list.set_defaults(func=cmd_unit_list)

    invite = sub.add_parser(
        "invite", help="print a personal invite link",
        description="Create a personal one-time invite link and print it (how a branch gets "
        "its first secretary).",
    )
    invite.add_argument("--unit", type=int, required=True, help="unit id")
    invite.add_argument("--role", choices=("secretary", "deputy", "member"), default="member")
    invite.add_argument("--name", required=True, help="full name of the person")
    _config_arg(invite)
    invite.set_defaults(func=cmd_invite)

    imp = sub.add_parser(
        "import", help="import a member list (.xlsx/.csv) into a branch",
        description="Validate a member list and import it; prints each new member's invite "
        "link. With errors nothing is imported unless --force (valid rows only).",
    )
    imp.add_argument("file", type=Path, help=".xlsx or .csv file")
    imp.add_argument("--unit", type=int, required=True, help="branch id")
    imp.add_argument("--force", action="store_true", help="import the valid rows despite errors")
    _config_arg(imp)
    imp.set_defaults(func=cmd_import)

    member = sub.add_parser("member", help="a member's request about their personal data",
                            description="Export or erase one person's personal data.")
    member_sub = member.add_subparsers(dest="member_command", required=True, metavar="ACTION")
    export = member_sub.add_parser(
        "export", help="print everything kept about a person as JSON",
        description="Print (or write to --output) everything the bot keeps about one person.")
    export.add_argument("--person", type=int, required=True, help="person id")
    export.add_argument("--output", type=Path, help="write to this file instead of stdout")
    _config_arg(export)
    export.set_defaults(func=cmd_member_export)
    erase = member_sub.add_parser(
        "erase", help="erase a person's personal data (history kept)",
        description="Blank birth date, phone, absence reasons and household notes, unbind the "
        "Telegram account and end the memberships; the name stays in past minutes.")
    erase.add_argument("--person", type=int, required=True, help="person id")
    erase.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    _config_arg(erase)
    erase.set_defaults(func=cmd_member_erase)
    return parser


def _load(path: Path) -> Config:
    return load_config(path)


T = TypeVar("T")


def _run_async(coro_factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    return asyncio.run(coro_factory())


def cmd_run(args: argparse.Namespace) -> int:
    from bot.core.logs import setup_logging
    from bot.runtime.app import TokenRejected, build_application, serve
    from bot.texts import Texts

    config = _load(args.config)
    token = config.token()
    if token is None:
        print(NO_TOKEN, file=sys.stderr)
        return EXIT_USAGE
    setup_logging()
    app = build_application(config, token)
    try:
        asyncio.run(serve(app, config.webhook))
    except TokenRejected as rejected:
        print(Texts(config.bot.language)("startup_token_rejected", status=rejected.status,
                                         env=TOKEN_ENV), file=sys.stderr)
        return EXIT_USAGE
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo.script import run_demo

    return _run_async(lambda: run_demo(lang=args.lang, database=args.database))


def cmd_migrate(args: argparse.Namespace) -> int:
    from storage.db import open_database

    config = _load(args.config)
    if args.from_sqlite is not None:
        if not config.database.on_server:
            print("migrate --from-sqlite: the target is [database] url, a PostgreSQL "
                  "database; this configuration has none (it uses the SQLite file "
                  f"{config.database.path})", file=sys.stderr)
            return EXIT_USAGE
        if not args.from_sqlite.is_file():
            print(f"migrate --from-sqlite: {args.from_sqlite} is not a file", file=sys.stderr)
            return EXIT_USAGE
        return _run_async(lambda: _from_sqlite(config, args.from_sqlite))

    async def migrate() -> int:
        db = await open_database(config.database.target, password=database_password())
        version = await db.user_version()
        await db.close()
        print(f"database {db.location} is at schema version {version}")
        return 0

    return _run_async(migrate)


async def _from_sqlite(config: Config, source_path: Path) -> int:
    """``chibo migrate --from-sqlite FILE``: the SQLite database into the empty server one."""
    from storage.db import open_database
    from storage.transfer import TransferError, copy_sqlite, open_source, tables_with_rows

    target = await open_database(config.database.target, password=database_password())
    try:
        full = await tables_with_rows(target)
        if full:
            print(f"migrate --from-sqlite: {target.location} already holds data (tables "
                  f"{', '.join(full)}); nothing was copied or changed. The copy needs a new "
                  "empty database.", file=sys.stderr)
            return 1
        try:
            source = await open_source(source_path)
        except TransferError as err:
            print(f"migrate --from-sqlite: {err}; nothing was changed", file=sys.stderr)
            return 1
        try:
            print(f"copying {source.location} (schema version {await source.user_version()}) "
                  f"into {target.location}")
            counts = await copy_sqlite(source, target)
        except TransferError as err:
            print(f"migrate --from-sqlite: {err}; nothing was changed", file=sys.stderr)
            return 1
        finally:
            await source.close()
    finally:
        await target.close()
    width = max(len(c.table) for c in counts)
    print(f"  {'table':<{width}}  {'sqlite':>8}  {'postgres':>8}")
    for count in counts:
        print(f"  {count.table:<{width}}  {count.source:>8}  {count.target:>8}  "
              f"{'ok' if count.ok else 'DIFFERENT'}")
    total = sum(c.target for c in counts)
    print(f"copied {total} rows in {len(counts)} tables; every row count matches")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from storage.db import open_database

    config = _load(args.config)
    target: Path = args.path
    if target.exists():
        print(f"backup: {target} already exists; choose a new path", file=sys.stderr)
        return EXIT_USAGE
    if config.database.url is not None:
        return _pg_dump(config.database.url, target)

    async def backup() -> int:
        db = await open_database(config.database.target, migrate=False)
        try:
            await db.backup_to(target)
        finally:
            await db.close()
        print(f"backup written to {target}")
        return 0

    return _run_async(backup)


def pg_dump_command(url: str, target: Path, pg_dump: str = "pg_dump") -> list[str]:
    """The pg_dump command line of a backup (the URL holds no password: config refuses it)."""
    return [pg_dump, "--format=custom", f"--file={target}", "--no-password", url]


def _pg_dump(url: str, target: Path) -> int:
    """A PostgreSQL backup: pg_dump's custom format, the password only in its own env."""
    import os
    import shlex
    import shutil
    import subprocess

    from bot.core.config import PASSWORD_ENV

    program = shutil.which("pg_dump")
    if program is None:
        command = shlex.join(pg_dump_command(url, target))
        print("backup: pg_dump is not on PATH, so nothing was written. Install the "
              "PostgreSQL client tools (Debian/Ubuntu: apt-get install postgresql-client, "
              "the server's major version or newer) and run "
              f"`chibo backup` again, or run pg_dump yourself:\n  {command}\n"
              f"with the password in PGPASSWORD (or ~/.pgpass) if the server asks for one "
              f"(chibo reads it from {PASSWORD_ENV}). Restore with pg_restore.",
              file=sys.stderr)
        return 1
    env = dict(os.environ)
    password = database_password()
    if password is not None:
        env["PGPASSWORD"] = password
    done = subprocess.run(pg_dump_command(url, target, program), env=env,  # noqa: S603
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        problem = (done.stderr.strip() or f"exit status {done.returncode}").splitlines()
        print(f"backup: pg_dump failed: {' '.join(problem)}", file=sys.stderr)
        return 1
    print(f"backup written to {target} (pg_dump custom format; restore with pg_restore)")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from bot.core.clock import SystemClock
    from bot.notices.status import delivery_status, render_status
    from bot.texts import Texts
    from storage.db import open_database

    config = _load(args.config)

    async def status() -> int:
        db = await open_database(config.database.target, password=database_password())
        try:
            stats = await delivery_status(db, SystemClock())
        finally:
            await db.close()
        print(render_status(stats, Texts(config.bot.language), config.bot.tz))
        return 0

    return _run_async(status)


def cmd_unit_add(args: argparse.Namespace) -> int:
    from bot.runtime import operator

    config = _load(args.config)
    unit = _run_async(lambda: operator.add_unit(config, args.name, args.parent))
    print(unit.id)
    return 0


def cmd_unit_list(args: argparse.Namespace) -> int:
    from bot.runtime import operator

    config = _load(args.config)
    for unit in _run_async(lambda: operator.list_units(config)):
        parent = f"  (in {unit.parent_id})" if unit.parent_id else ""
        print(f"{unit.id}\t{unit.kind}\t{unit.name}{parent}")
    return 0


def cmd_invite(args: argparse.Namespace) -> int:
    from bot.runtime import operator

    config = _load(args.config)
    issued = _run_async(lambda: operator.invite(config, args.unit, args.role, args.name))
    print(issued.link)
    if issued.zalo_code is not None:
        print(f"Mã Zalo: {issued.zalo_code}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from bot.runtime import operator

    config = _load(args.config)
    data = operator.read_file(args.file)
    issued, problems = _run_async(
        lambda: operator.import_members(config, args.unit, args.file, data, force=args.force))
    for line in problems:
        print(line, file=sys.stderr)
    if problems and not issued and not args.force:
        print(f"{len(problems)} problem(s): nothing imported (fix the file, or --force to "
              "import the valid rows)", file=sys.stderr)
        return 1
    for invite in issued:
        code = f"\tMã Zalo: {invite.zalo_code}" if invite.zalo_code else ""
        print(f"{invite.full_name}\t{invite.link}{code}")
    print(f"imported {len(issued)}, skipped {len(problems)}", file=sys.stderr)
    return 0


def cmd_member_export(args: argparse.Namespace) -> int:
    import json

    from bot.runtime import operator

    config = _load(args.config)
    data = _run_async(lambda: operator.person_data(config, args.person))
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
        args.output.chmod(0o600)
        print(f"written to {args.output}", file=sys.stderr)
    else:
        print(text)
    return 0


def cmd_member_erase(args: argparse.Namespace) -> int:
    from bot.runtime import operator

    if not args.yes:
        print("member erase: this cannot be undone; add --yes to confirm", file=sys.stderr)
        return EXIT_USAGE
    config = _load(args.config)
    name = _run_async(lambda: operator.erase_person(config, args.person))
    print(f"erased the personal data of person {args.person} ({name})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except OperatorError as exc:
        print(f"{args.command}: {exc}", file=sys.stderr)
        return 1
    except DatabaseUnavailable as exc:
        from bot.texts import Texts

        print(Texts("vi")("cli_database_unavailable", error=str(exc), env=PASSWORD_ENV),
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return result


if __name__ == "__main__":
    sys.exit(main())
