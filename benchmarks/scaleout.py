"""Scale-out: SQLite with one worker, PostgreSQL with one and with two.

For each row the benchmark makes a fresh database (a SQLite file, or a new PostgreSQL
database it drops afterwards), seeds one branch of N bound members, a meeting inviting
them all and one pending invitation per member in the outbox, then starts the workers:
each is ``python -m bot run --config FILE`` on the same config, at the bot's default
delivery settings (25 messages/s shared by all workers), against the emulator with
Telegram's limits (30/s global; 3 per 1 s and 12 per 10 s per chat).

1. **Fan-out**: the workers drain the N invitations. Counted on the emulator: rate
   (first to last delivery), wall time (first worker started to last delivery),
   members reached, members with more than one copy, 429 answers, the most messages
   in any 1-second window; from the outbox, who claimed each row (``claimed_by``).
2. **Inbound taps**: every member presses "✅ Tham dự" on a meeting card in their
   chat (sent raw before the workers start, not timed), all at once; the figure is
   taps fully handled per second (answer recorded, card edited, tap answered). In
   polling mode one worker at a time holds the poller lease, so with two workers ONE
   of them handles every tap; the webhook row (two workers, each serving the webhook
   on its own port via ``CHIBO_WEBHOOK_PORT``) has the benchmark play Telegram and
   POST the updates to the two workers in turn.

Goals (exit 0 when all hold): nothing lost (every member reached, every outbox row
sent, every tap answered and recorded), no duplicates, and with two workers never
more than the configured rate in any 1-second window.

    .venv/bin/python benchmarks/scaleout.py [--count 2000] [--quick] [--postgres URL]
                                            [--no-webhook] [--keep] [--set S.K=V]

PostgreSQL: ``--postgres`` is the URL of a server's maintenance database, default
``CHIBO_BENCH_POSTGRES``, then ``CHIBO_TEST_POSTGRES``, then the local server
``postgresql://chibo@127.0.0.1:54329/postgres``; its rows are skipped, with a line
saying so, when no server answers there.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import re
import socket
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (
    CONFIGURED_RATE,
    Child,
    Deliveries,
    Report,
    Setting,
    configured,
    default_timeout,
    invite_message,
    overrides_text,
    parser,
    progress,
    start_bot,
    summarise_outbox,
    workdir,
    write_config,
)
from benchmarks.inbound import FIRST_UID, invitations, seed, tap_all
from bot.demo.playground import BOT_USERNAME, TOKEN
from emulator import BotApiEmulator, busiest_second
from storage import cluster, outbox
from storage.db import Database, open_database
from storage.outbox import Envelope

LOCAL_POSTGRES = "postgresql://chibo@127.0.0.1:54329/postgres"
QUICK_COUNT = 300
WEBHOOK_URL = "https://chibo.example.org/telegram/webhook"
WEBHOOK_SECRET = "bench-Webhook_secret-0123456789abcdef"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_CONNECTIONS = 40  # Telegram's default max_connections per webhook
SETTLE = 1.5  # seconds after the last delivery for a copy sent twice to show up


@dataclass(frozen=True)
class Setup:
    engine: str  # "sqlite" | "postgresql"
    workers: int
    webhook: bool = False

    @property
    def label(self) -> str:
        mode = "webhook" if self.webhook else "polling"
        plural = "s" if self.workers > 1 else ""
        return f"{'SQLite' if self.engine == 'sqlite' else 'PostgreSQL'}, " \
               f"{self.workers} worker{plural} ({mode})"


@dataclass
class Row:
    setup: Setup
    count: int
    drained: bool = False
    fan: Deliveries | None = None
    wall: float = 0.0
    rate_limited: int = 0
    max_per_second: int = 0
    not_sent: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    shares: dict[str, int] = field(default_factory=dict)  # worker label -> rows sent
    taps_seconds: float | None = None
    taps_recorded: int = 0
    taps_rate_limited: int = 0
    tap_handlers: str = ""
    webhook_refused: int = 0
    rss: list[float] = field(default_factory=list)
    log_notes: list[str] = field(default_factory=list)

    @property
    def lost(self) -> int:
        members = self.count - (len(self.fan.reached) if self.fan else 0)
        return members + self.not_sent

    @property
    def duplicates(self) -> int:
        return len(self.fan.duplicated) if self.fan else 0

    @property
    def taps_per_second(self) -> float:
        return self.count / self.taps_seconds if self.taps_seconds else 0.0


# --- databases ----------------------------------------------------------------------------

def postgres_default() -> str:
    return (os.environ.get("CHIBO_BENCH_POSTGRES") or os.environ.get("CHIBO_TEST_POSTGRES")
            or LOCAL_POSTGRES)


def postgres_answers(url: str) -> str | None:
    """None when the server answers, else why not."""
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # any failure means: no server to measure on
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}"
    return None


def _admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


_names = itertools.count(1)


@asynccontextmanager
async def database(setup: Setup, work: Path, server: str) -> AsyncIterator[Path | str]:
    """A fresh, empty target for one row: a SQLite path, or a new PostgreSQL database's URL
    (dropped afterwards)."""
    if setup.engine == "sqlite":
        path = work / f"row{next(_names)}.sqlite3"
        yield path
        return
    name = f"bench_{os.getpid()}_{next(_names)}"
    _admin(server, f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
                   "LC_COLLATE 'C' LC_CTYPE 'C'")
    parts = urlsplit(server)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))
    finally:
        _admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


async def fill_outbox(db: Database, count: int) -> None:
    """One pending invitation per bound member: the fan-out (ids are the engine's)."""
    now = datetime.now(UTC)
    async with db.transaction() as conn:
        rows = await conn.fetch_all(
            "SELECT id, telegram_user_id FROM people WHERE telegram_user_id IS NOT NULL "
            "ORDER BY id")
        envelopes = [Envelope(key=f"invite:scaleout:{r[1]}", chat_id=int(r[1]), kind="invite",
                              message=invite_message(), person_id=int(r[0])) for r in rows]
        added = await outbox.enqueue(conn, envelopes, now)
    if added != count:
        raise RuntimeError(f"enqueued {added} rows, expected {count}")


# --- figures -------------------------------------------------------------------------------

def worker_names(workers: Sequence[Child]) -> dict[int, str]:
    return {w.pid: w.name for w in workers}


def name_of(worker_id: str | None, names: dict[int, str]) -> str:
    """``host:pid:random`` (``claimed_by``, the lease holder) as the benchmark's name."""
    if not worker_id:
        return "(none)"
    with contextlib.suppress(IndexError, ValueError):
        return names.get(int(worker_id.split(":")[1]), worker_id)
    return worker_id


LOG_LINE = re.compile(r"\b(ERROR|CRITICAL|Traceback)\b")


def log_notes(logs: Sequence[Path]) -> list[str]:
    """Errors in the workers' logs, counted by their message (timestamps cut)."""
    notes: list[str] = []
    for path in logs:
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        found: Counter[str] = Counter()
        warnings = 0
        for line in text.splitlines():
            if "WARNING" in line:
                warnings += 1
            if LOG_LINE.search(line):
                found[re.sub(r"^\S+ \S+ ", "", line)[:140]] += 1
        summary = f"{path.name}: {sum(found.values())} error line(s), {warnings} warning(s)"
        notes.append(summary)
        notes += [f"    {n} x {msg}" for msg, n in found.most_common(5)]
    return notes


# --- one row ----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def port_open(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


class Dispatcher:
    """Plays Telegram in webhook mode: takes the emulator's pending updates and POSTs them
    to the workers' webhooks in turn (round robin), with the secret header."""

    def __init__(self, emu: BotApiEmulator, ports: Sequence[int], path: str) -> None:
        self.emu = emu
        self.urls = [f"http://127.0.0.1:{port}/{path}" for port in ports]
        self.posted: Counter[str] = Counter()
        self.refused = 0
        self._turn = itertools.cycle(range(len(self.urls)))
        self._gate = asyncio.Semaphore(WEBHOOK_CONNECTIONS * len(self.urls))
        self._task: asyncio.Task[None] | None = None
        self._sending: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> Dispatcher:
        self._client = httpx.AsyncClient(timeout=60.0, limits=httpx.Limits(
            max_connections=WEBHOOK_CONNECTIONS * len(self.urls)))
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)
        await self._client.aclose()

    async def _run(self) -> None:
        while True:
            for update in self.emu.take_updates():
                await self._gate.acquire()
                task = asyncio.create_task(self._post(self.urls[next(self._turn)], update))
                self._sending.add(task)
                task.add_done_callback(self._sending.discard)
            await asyncio.sleep(0.005)

    async def _post(self, url: str, update: dict[str, object]) -> None:
        try:
            answer = await self._client.post(url, json=update,
                                             headers={SECRET_HEADER: WEBHOOK_SECRET})
            if answer.status_code == 200:
                self.posted[url] += 1
            else:
                self.refused += 1
        except httpx.HTTPError:
            self.refused += 1
        finally:
            self._gate.release()


async def start_workers(setup: Setup, config: Path, work: Path, tag: str,
                        ports: Sequence[int]) -> list[Child]:
    workers = []
    for i in range(setup.workers):
        env = {"CHIBO_WEBHOOK_PORT": str(ports[i])} if setup.webhook else {}
        workers.append(await start_bot(config, work / f"{tag}-worker{i + 1}.log",
                                       name=f"worker{i + 1}", env=env))
    return workers


async def wait_until(check: object, *, workers: Sequence[Child], timeout: float,
                     label: str, status: object = None) -> bool:
    """Poll ``check`` (async) until true; False on timeout or when a worker dies."""
    started = time.monotonic()
    deadline = started + timeout
    next_progress = started + 15.0
    while not await check():  # type: ignore[operator]
        now = time.monotonic()
        dead = [w for w in workers if not w.alive]
        if dead:
            progress(f"{dead[0].name} ended (exit {dead[0].proc.returncode}) before {label}")
            return False
        if now >= deadline:
            progress(f"timed out after {timeout:.0f}s waiting for {label}")
            return False
        if status is not None and now >= next_progress:
            progress(f"{now - started:5.0f}s: {status()}")  # type: ignore[operator]
            next_progress += 15.0
        await asyncio.sleep(0.25)
    return True


async def run_row(setup: Setup, count: int, work: Path, server: str,
                  settings: Sequence[Setting]) -> Row:
    row = Row(setup, count)
    ids = [FIRST_UID + i for i in range(count)]
    tag = f"{setup.engine}-{setup.workers}{'-webhook' if setup.webhook else ''}"
    async with database(setup, work, server) as target:
        progress(f"{setup.label}: seeding {count} members, a meeting and {count} invitations")
        meeting_id = await seed(target, count)
        db = await open_database(target, migrate=False)
        try:
            await fill_outbox(db, count)
            async with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as emu:
                cards = await invitations(emu, count, meeting_id)  # sets Limits() after
                stats = emu.stats
                stats.sends = stats.edits = stats.rate_limited = 0
                stats.send_times.clear()
                stats.calls_by_method.clear()
                stats.errors.clear()
                ports = [free_port() for _ in range(setup.workers)]
                extra: list[Setting] = list(settings)
                if setup.webhook:
                    extra += [("webhook", "url", f'"{WEBHOOK_URL}"'),
                              ("webhook", "listen", '"127.0.0.1"'),
                              ("webhook", "port", str(ports[0])),
                              ("webhook", "secret_token", f'"{WEBHOOK_SECRET}"')]
                config = write_config(work, emu, target, extra)
                progress(f"{setup.label}: fan-out of {count} invitations")
                workers = await start_workers(setup, config, work, tag, ports)
                started = min(w.started for w in workers)
                try:
                    await fan_out(row, emu, db, ids, workers, started)
                    await inbound(row, emu, db, workers, cards, meeting_id, ports)
                finally:
                    for w in workers:
                        await w.stop()
                row.rss = [w.sampler.peak_rss_mb for w in workers]
                row.log_notes = log_notes([work / f"{tag}-worker{i + 1}.log"
                                           for i in range(setup.workers)])
            row.taps_recorded = int(await db.fetch_value(
                "SELECT count(*) FROM invitations WHERE meeting_id = ? AND answer = 'attend'",
                (meeting_id,)))
        finally:
            await db.close()
    return row


async def fan_out(row: Row, emu: BotApiEmulator, db: Database, ids: list[int],
                  workers: list[Child], started: float) -> None:
    def delivered() -> int:
        return sum(len(emu.stats.send_times.get(uid, ())) for uid in ids)

    async def drained() -> bool:
        return delivered() >= len(ids) and (await summarise_outbox(db)).open == 0

    row.drained = await wait_until(
        drained, workers=workers, timeout=default_timeout(len(ids)), label="the fan-out",
        status=lambda: f"{delivered()}/{len(ids)} delivered, "
                       f"{emu.stats.rate_limited} x 429")
    await asyncio.sleep(SETTLE)
    row.fan = Deliveries.of(emu, ids)
    # Deliveries are stamped on the emulator's clock (time.monotonic, as Child.started).
    row.wall = (row.fan.last or started) - started
    row.rate_limited = emu.stats.rate_limited
    row.max_per_second = busiest_second(
        [t for uid in ids for t in emu.stats.send_times.get(uid, ())])
    summary = await summarise_outbox(db)
    row.by_state = summary.by_state
    row.not_sent = summary.not_sent
    names = worker_names(workers)
    for claimed_by, n in await db.fetch_all(
            "SELECT claimed_by, count(*) FROM outbox WHERE state = 'sent' GROUP BY claimed_by"):
        row.shares[name_of(claimed_by, names)] = (
            row.shares.get(name_of(claimed_by, names), 0) + int(n))


async def inbound(row: Row, emu: BotApiEmulator, db: Database, workers: list[Child],
                  cards: list[tuple[object, int]], meeting_id: int,
                  ports: Sequence[int]) -> None:
    setup = row.setup
    limited_before = emu.stats.rate_limited
    if setup.webhook:
        async def ready() -> bool:
            return all([await port_open(p) for p in ports[:setup.workers]])
    else:
        async def ready() -> bool:
            return emu.waiting_polls > 0

    if not await wait_until(ready, workers=workers, timeout=60.0, label="taking updates"):
        return
    names = worker_names(workers)
    if setup.engine == "postgresql" and not setup.webhook:
        holder = await cluster.lease_holder(db, "poller", time.time())
        row.tap_handlers = f"polling: {name_of(holder, names)} (the poller lease holder) " \
                           f"handles every tap"
    progress(f"{setup.label}: {len(cards)} members tap at once")
    async with contextlib.AsyncExitStack() as stack:
        dispatcher = None
        if setup.webhook:
            dispatcher = await stack.enter_async_context(
                Dispatcher(emu, ports[:setup.workers], urlsplit(WEBHOOK_URL).path.strip("/")))
        try:
            row.taps_seconds = await tap_all(emu, cards, f"rsvp:{meeting_id}:y",  # type: ignore[arg-type]
                                             edits=True)
        except (TimeoutError, AssertionError) as exc:
            progress(f"the taps were not all handled: {type(exc).__name__} {exc}")
        if dispatcher is not None:
            port_names = {u: workers[i].name for i, u in enumerate(dispatcher.urls)}
            row.tap_handlers = "webhook: " + ", ".join(
                f"{port_names[u]} {n}" for u, n in sorted(dispatcher.posted.items())) + \
                " update(s) posted"
            row.webhook_refused = dispatcher.refused
    row.taps_rate_limited = emu.stats.rate_limited - limited_before


# --- the report -----------------------------------------------------------------------------

def table(rows: Sequence[Row], count: int) -> list[str]:
    head = ("engine / workers", f"fan-out {count:,}: msg/s", "wall s", "delivered",
            "duplicates", "429s", "max in 1 s", f"taps/s ({count:,} at once)",
            "peak RSS per worker MB")
    lines = [head]
    for r in rows:
        fan = r.fan
        lines.append((
            r.setup.label,
            f"{fan.rate:.2f}" if fan else "-",
            f"{r.wall:.1f}",
            f"{len(fan.reached)}/{r.count}" if fan else "-",
            str(r.duplicates),
            str(r.rate_limited),
            str(r.max_per_second),
            f"{r.taps_per_second:.1f}" if r.taps_seconds else "not all handled",
            " / ".join(f"{mb:.1f}" for mb in r.rss),
        ))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]

    def fmt(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    return [fmt(lines[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|",
            *(fmt(line) for line in lines[1:])]


async def main() -> int:
    p = parser(__doc__.splitlines()[0] if __doc__ else "", 2000)
    p.add_argument("--quick", action="store_true",
                   help=f"a fast run with {QUICK_COUNT} members (unless --count is given)")
    p.add_argument("--postgres", default=postgres_default(), metavar="URL",
                   help="a PostgreSQL server's maintenance database (default: "
                        "CHIBO_BENCH_POSTGRES, CHIBO_TEST_POSTGRES, else the local server)")
    p.add_argument("--no-webhook", action="store_true",
                   help="skip the row with two workers in webhook mode")
    args = p.parse_args()
    count = QUICK_COUNT if args.quick and "--count" not in sys.argv else args.count
    rate = configured(args.settings, "delivery", "messages_per_second", CONFIGURED_RATE)
    report = Report(f"Scale-out — fan-out of {count:,} and {count:,} taps at once, "
                    f"delivery at the defaults ({rate:g} msg/s for the whole bot)"
                    f"{overrides_text(args.settings)}")
    setups = [Setup("sqlite", 1)]
    why = postgres_answers(args.postgres)
    if why is None:
        setups += [Setup("postgresql", 1), Setup("postgresql", 2)]
        if not args.no_webhook:
            setups.append(Setup("postgresql", 2, webhook=True))
    else:
        where = urlsplit(args.postgres)
        report.line(f"PostgreSQL rows SKIPPED: no server answers at {where.hostname}:"
                    f"{where.port or 5432} ({why}); give one with --postgres URL or "
                    "CHIBO_BENCH_POSTGRES")
    rows: list[Row] = []
    with workdir(args.keep) as work:
        for setup in setups:
            rows.append(await run_row(setup, count, work, args.postgres, args.settings))
    report.section("figures (deliveries and taps counted on the emulator)")
    for line in table(rows, count):
        report.line(line)
    report.section("details")
    for r in rows:
        report.line(f"{r.setup.label}:")
        report.line(f"  outbox {r.by_state}; sends by worker (claimed_by): "
                    + ", ".join(f"{k} {v}" for k, v in sorted(r.shares.items())))
        if r.taps_seconds:
            report.line(f"  taps: {r.count} handled in {r.taps_seconds:.1f} s, "
                        f"{r.taps_recorded} answers recorded, "
                        f"{r.taps_rate_limited} x 429 while tapping")
        if r.tap_handlers:
            report.line(f"  {r.tap_handlers}"
                        + (f"; {r.webhook_refused} POST(s) refused" if r.webhook_refused
                           else ""))
        for note in r.log_notes:
            report.line(f"  {note}")
    report.line("")
    for r in rows:
        if r.max_per_second > rate:
            report.line(f"note: {r.setup.label} delivered {r.max_per_second} in one second, "
                        f"above the configured {rate:g}/s (Telegram's 30/s held: "
                        f"{r.rate_limited} x 429)")
    report.line("inbound taps: every tap edits the card, and an edit is spent from the one "
                f"sending budget ({rate:g}/s), so taps/s is bound by it whatever the workers")
    report.section("goals")
    for r in rows:
        name = r.setup.label
        report.goal(f"{name}: nothing lost ({r.lost} member(s)/row(s); outbox drained: "
                    f"{'yes' if r.drained else 'no'}; taps recorded "
                    f"{r.taps_recorded}/{r.count})",
                    r.drained and r.lost == 0 and r.taps_seconds is not None
                    and r.taps_recorded == r.count)
        report.goal(f"{name}: no duplicates ({r.duplicates})", r.duplicates == 0)
        if r.setup.workers > 1:
            report.goal(f"{name}: never above {rate:g} in any 1 s "
                        f"(max {r.max_per_second})", 0 < r.max_per_second <= rate)
    return report.finish()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
