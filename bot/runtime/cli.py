"""The ``chibo`` command line: run, demo, migrate, backup, and operator tools."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

from bot import __version__
from bot.core import labels
from bot.core.config import (
    PASSWORD_ENV,
    TOKEN_ENV,
    Config,
    ConfigError,
    database_password,
    load_config,
    token_well_formed,
)
from bot.runtime.operator import OperatorError
from bot.texts import Language, Texts, as_language
from storage.db import (
    DatabaseNotWritable,
    DatabaseUnavailable,
    SqliteTooOld,
    is_server_url,
    owner_only,
    require_sqlite_library,
)

_CLI_UNIT_KIND = {"committee": "cli_unit_kind_committee", "branch": "cli_unit_kind_branch"}

EXIT_USAGE = 2



def _config_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", "-c", type=Path, default=Path("config.toml"),
        help="configuration file (default: config.toml; see config.example.toml)",
    )
    parser.add_argument(
        "--lang", choices=("vi", "en"), default=None,
        help="language of this command's messages (default: [bot] language)")


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
    demo.add_argument(
        "--console", metavar="HOST:PORT", nargs="?", const="127.0.0.1:8765", default=None,
        help="after the script, keep the officers' console open at HOST:PORT (default "
        "127.0.0.1:8765) and print a signed link to it; Ctrl-C to stop")
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

    member = sub.add_parser("member", help="find a person; export or erase their data",
                            description="Find people by name; export or erase one "
                            "person's personal data.")
    member_sub = member.add_subparsers(dest="member_command", required=True, metavar="ACTION")
    export = member_sub.add_parser(
        "export", help="print everything kept about a person as JSON",
        description="Print (or write to --output) everything the bot keeps about one person.")
    export.add_argument("--person", type=int, required=True, help="person id")
    export.add_argument("--output", type=Path, help="write to this file instead of stdout")
    _config_arg(export)
    export.set_defaults(func=cmd_member_export)
    listing = member_sub.add_parser(
        "list", help="find people of a unit and their ids",
        description="List the members of a unit (those who left too) with their person "
        "ids, for member export and member erase; --name keeps those whose name contains "
        "the text, accents and case ignored (--name an finds Nguyễn Văn An).")
    listing.add_argument("--unit", type=int, required=True, help="unit id (see unit list)")
    listing.add_argument("--name", help="part of the name, accents optional")
    _config_arg(listing)
    listing.set_defaults(func=cmd_member_list)
    erase = member_sub.add_parser(
        "erase", help="erase a person's personal data (history kept)",
        description="Blank birth date, phone, absence reasons and household notes, unbind the "
        "Telegram account and end the memberships; the name stays in past minutes.")
    erase.add_argument("--person", type=int, required=True, help="person id")
    erase.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    _config_arg(erase)
    erase.set_defaults(func=cmd_member_erase)
    return parser


def _load(args: argparse.Namespace) -> Config:
    config = load_config(args.config)
    args.loaded_config = config
    return config


def _texts(args: argparse.Namespace, config_language: Language | None = None) -> Texts:
    """One language for the whole run: ``--lang``, else the configuration's, else vi.

    ``config_language``: the ``[bot] language`` of a file that failed to load."""
    lang = getattr(args, "lang", None)
    if lang is None:
        config: Config | None = getattr(args, "loaded_config", None)
        lang = config.bot.language if config is not None else config_language or "vi"
    return Texts(as_language(lang))


def _say(args: argparse.Namespace, key: str, /, *, err: bool = False, **params: Any) -> None:
    print(_texts(args)(key, **params), file=sys.stderr if err else sys.stdout)


T = TypeVar("T")


def one_line(text: str) -> str:
    """A driver's message on one line: no TAB, no newline (it is one line of a terminal
    and of a log)."""
    return " ".join(text.split())


def _run_async(coro_factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    return asyncio.run(coro_factory())


def cmd_run(args: argparse.Namespace) -> int:
    from bot.core.logs import setup_logging
    from bot.runtime.app import (
        BotApiNonConforming,
        StartupTimedOut,
        TokenRejected,
        build_application,
        serve,
    )
    config = _load(args)
    texts = _texts(args)
    if not is_server_url(config.database.target):
        require_sqlite_library()  # before Telegram is asked anything
    token = config.token()
    if token is None:
        print(texts("cli_no_token", env=TOKEN_ENV), file=sys.stderr)
        return EXIT_USAGE
    if not token_well_formed(token):
        print(texts("cli_token_malformed", env=TOKEN_ENV), file=sys.stderr)
        return EXIT_USAGE
    setup_logging()
    app = build_application(config, token)
    try:
        asyncio.run(serve(app, config.webhook,
                          startup_deadline=config.telegram.startup_deadline_seconds))
    except TokenRejected as rejected:
        print(texts("startup_token_rejected", status=rejected.status, env=TOKEN_ENV),
              file=sys.stderr)
        return EXIT_USAGE
    except StartupTimedOut as late:
        print(texts("startup_deadline", seconds=f"{late.seconds:g}", reason=late.reason),
              file=sys.stderr)
        return 1
    except BotApiNonConforming as odd:
        print(texts("startup_get_me_odd", error=str(odd)), file=sys.stderr)
        return 1
    except DatabaseNotWritable as err:
        print(texts("cli_database_not_writable", error=str(err)), file=sys.stderr)
        return EXIT_USAGE
    except DatabaseUnavailable as err:
        print(texts("cli_database_unavailable", error=str(err), env=PASSWORD_ENV),
              file=sys.stderr)
        return EXIT_USAGE
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo.script import run_demo

    return _run_async(lambda: run_demo(lang=args.lang, database=args.database,
                                       console=args.console))


def cmd_migrate(args: argparse.Namespace) -> int:
    from storage.db import open_database

    config = _load(args)
    if args.from_sqlite is not None:
        if not config.database.on_server:
            _say(args, "cli_transfer_no_server", err=True, path=config.database.path)
            return EXIT_USAGE
        if not args.from_sqlite.is_file():
            _say(args, "cli_transfer_not_a_file", err=True, path=args.from_sqlite)
            return EXIT_USAGE
        return _run_async(lambda: _from_sqlite(config, args.from_sqlite, _texts(args)))

    async def migrate() -> int:
        db = await open_database(config.database.target, password=database_password())
        version = await db.user_version()
        await db.close()
        _say(args, "cli_schema_version", location=db.location, version=version)
        return 0

    return _run_async(migrate)


async def _from_sqlite(config: Config, source_path: Path, texts: Texts) -> int:
    """``chibo migrate --from-sqlite FILE``: the SQLite database into the empty server one."""
    from storage.db import open_database
    from storage.transfer import TransferError, copy_sqlite, open_source, tables_with_rows

    target = await open_database(config.database.target, password=database_password())
    try:
        full = await tables_with_rows(target)
        if full:
            print(texts("cli_transfer_not_empty", location=target.location,
                        tables=", ".join(full)), file=sys.stderr)
            return 1
        try:
            source = await open_source(source_path)
        except TransferError as err:
            print(texts("cli_transfer_failed", error=err), file=sys.stderr)
            return 1
        try:
            print(texts("cli_transfer_copying", source=source.location,
                        version=await source.user_version(), target=target.location))
            counts = await copy_sqlite(source, target)
        except TransferError as err:
            print(texts("cli_transfer_failed", error=err), file=sys.stderr)
            return 1
        finally:
            await source.close()
    finally:
        await target.close()
    width = max(len(c.table) for c in counts)
    print(f"  {texts('cli_transfer_table'):<{width}}  {'sqlite':>8}  {'postgres':>8}")
    for count in counts:
        print(f"  {count.table:<{width}}  {count.source:>8}  {count.target:>8}  "
              f"{texts('cli_transfer_same' if count.ok else 'cli_transfer_different')}")
    total = sum(c.target for c in counts)
    print(texts("cli_transfer_done", rows=total, tables=len(counts)))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from storage.db import open_database

    config = _load(args)
    target: Path = args.path
    if target.exists():
        _say(args, "cli_backup_exists", err=True, path=target)
        return EXIT_USAGE
    if not target.parent.is_dir():  # a mistyped folder must not be created silently
        _say(args, "cli_backup_no_folder", err=True, folder=target.parent)
        return EXIT_USAGE
    if config.database.url is not None:
        return _pg_dump(args, config.database.url, target)

    async def backup() -> int:
        db = await open_database(config.database.target, migrate=False)
        try:
            await db.backup_to(target)
        finally:
            await db.close()
        _say(args, "cli_backup_done", path=target)
        return 0

    return _run_async(backup)


def pg_dump_command(url: str, target: Path, pg_dump: str = "pg_dump") -> list[str]:
    """The pg_dump command line of a backup (the URL holds no password: config refuses it)."""
    return [pg_dump, "--format=custom", f"--file={target}", "--no-password", url]


def _pg_dump(args: argparse.Namespace, url: str, target: Path) -> int:
    """A PostgreSQL backup: pg_dump's custom format, the password only in its own env."""
    import os
    import shlex
    import shutil
    import subprocess

    from bot.core.config import PASSWORD_ENV

    program = shutil.which("pg_dump")
    if program is None:
        command = shlex.join(pg_dump_command(url, target))
        _say(args, "cli_no_pg_dump", err=True, command=command, env=PASSWORD_ENV)
        return 1
    env = dict(os.environ)
    password = database_password()
    if password is not None:
        env["PGPASSWORD"] = password
    owner_only(target, exclusive=True)  # pg_dump writes into it, keeping the 0600 mode
    done = subprocess.run(pg_dump_command(url, target, program), env=env,  # noqa: S603
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        problem = (done.stderr.strip() or f"exit status {done.returncode}").splitlines()
        target.unlink(missing_ok=True)
        _say(args, "cli_backup_pg_failed", err=True, problem=" ".join(problem))
        return 1
    _say(args, "cli_backup_done_pg", path=target)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from bot.core.clock import SystemClock
    from bot.notices.status import delivery_status, render_status
    from storage.db import open_database

    config = _load(args)

    async def status() -> int:
        db = await open_database(config.database.target, password=database_password())
        try:
            stats = await delivery_status(db, SystemClock(), config.delivery)
        finally:
            await db.close()
        print(render_status(stats, _texts(args), config.bot.tz))
        return 0

    return _run_async(status)


def cmd_unit_add(args: argparse.Namespace) -> int:
    from bot.runtime import operator

    config = _load(args)
    unit = _run_async(lambda: operator.add_unit(config, args.name, args.parent, _texts(args)))
    print(unit.id)
    return 0


def cmd_unit_list(args: argparse.Namespace) -> int:
    from bot.runtime import operator

    config = _load(args)
    texts = _texts(args)
    found = _run_async(lambda: operator.list_units(config))
    if not found:
        print(texts("cli_no_units"), file=sys.stderr)
    for unit in found:
        parent = texts("cli_unit_parent", parent=unit.parent_id) if unit.parent_id else ""
        print(texts("cli_unit_line", id=unit.id, kind=texts(_CLI_UNIT_KIND[unit.kind]),
                    name=unit.name, parent=parent))
    return 0


def cmd_invite(args: argparse.Namespace) -> int:
    from bot.runtime import operator

    config = _load(args)
    issued = _run_async(lambda: operator.invite(config, args.unit, args.role, args.name,
                                                _texts(args)))
    print(issued.link)
    if issued.zalo_code is not None:
        print(f"Mã Zalo: {issued.zalo_code}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from bot.runtime import operator

    config = _load(args)
    texts = _texts(args)
    data = operator.read_file(args.file, texts)
    issued, problems = _run_async(lambda: operator.import_members(
        config, args.unit, args.file, data, force=args.force, texts=texts))
    for line in problems:
        print(line, file=sys.stderr)
    if problems and not issued and not args.force:
        print(texts("cli_import_refused", count=len(problems)), file=sys.stderr)
        return 1
    for invite in issued:
        code = f"\tMã Zalo: {invite.zalo_code}" if invite.zalo_code else ""
        print(f"{invite.full_name}\t{invite.link}{code}")
    print(texts("cli_import_done", imported=len(issued), skipped=len(problems)),
          file=sys.stderr)
    return 0


def cmd_member_export(args: argparse.Namespace) -> int:
    import json

    from bot.runtime import operator

    config = _load(args)
    data = _run_async(lambda: operator.person_data(config, args.person, _texts(args)))
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    if args.output:
        owner_only(args.output)  # 0600 from its first byte, whatever the umask
        args.output.write_text(text + "\n", encoding="utf-8")
        _say(args, "cli_export_written", err=True, path=args.output)
    else:
        print(text)
    return 0


def cmd_member_list(args: argparse.Namespace) -> int:
    from bot.runtime import operator

    config = _load(args)
    texts = _texts(args)
    found = _run_async(lambda: operator.list_people(config, args.unit, args.name, texts))
    if not found:
        print(texts("cli_no_people", unit=args.unit, name=args.name or ""), file=sys.stderr)
        return 1
    for member in found:
        print(texts("cli_person_line", id=member.person_id, name=member.full_name,
                    role=texts(labels.ROLE[member.role]),
                    state="" if member.state == "active" else texts("cli_person_left")))
    return 0


def cmd_member_erase(args: argparse.Namespace) -> int:
    from bot.runtime import operator

    config = _load(args)
    if not args.yes:
        _say(args, "cli_erase_confirm", err=True)
        return EXIT_USAGE
    name = _run_async(lambda: operator.erase_person(config, args.person, _texts(args)))
    _say(args, "cli_erase_done", person=args.person, name=name)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
    except ConfigError as exc:
        print(exc.render(_texts(args, exc.language)), file=sys.stderr)
        return EXIT_USAGE
    except OperatorError as exc:
        print(f"{args.command}: {exc}", file=sys.stderr)
        return 1
    except DatabaseUnavailable as exc:
        print(_texts(args)("cli_database_unavailable", error=one_line(str(exc)),
                           env=PASSWORD_ENV), file=sys.stderr)
        return 1
    except SqliteTooOld as exc:
        print(_texts(args)("cli_sqlite_too_old", found=exc.found, needed=exc.needed),
              file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 0
    return result


if __name__ == "__main__":
    sys.exit(main())
