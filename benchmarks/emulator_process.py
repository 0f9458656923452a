"""The Bot API emulator in an OS process of its own, for benchmarks that count at it.

In ``inbound.py``'s first mode the emulator shared the benchmark's process and event
loop with the crowd of tapping members (and the wait for 5,000 answers, re-checked after
every request): its loop was held up to half a second, and requests arriving meanwhile
were stamped together. Here the emulator serves its real HTTP on a local port in a child
process (``python -m benchmarks.emulator_process``, which prints its port), and the
benchmark drives the crowd through a few control routes of that server:

- ``POST /ctl/invite`` ``{"count", "first_uid", "meeting_id"}``: one invitation in each
  member's chat (set-up, limits off); answers the message ids;
- ``POST /ctl/tap`` ``{"data", "taps": [[uid, message_id], ...]}``: those members press;
- ``GET /ctl/progress``: taps answered, edits since the first tap, ``getUpdates`` seen;
- ``GET /ctl/result``: the statistics (arrival stamps, 429s, the loop's worst hold…);
- ``POST /ctl/stop``: the process exits.

``--no-gc`` (``RemoteEmulator(collect=False)``): from the first tap on, the emulator's
process does not collect garbage; its collections otherwise hold its loop while its state
(every message, every call) grows, and arrivals queue behind them.

``time.monotonic()`` is the system's monotonic clock on Linux, so the stamps of both
processes compare.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from emulator import BotApiEmulator, CallbackRecord, busiest_second

ROOT = Path(__file__).resolve().parents[1]
FINAL_TEXT = "Trả lời của đồng chí"  # an invitation card after its member answered


class ServedEmulator(BotApiEmulator):
    """The emulator plus the control routes a benchmark in another process uses."""

    def __init__(self, token: str, bot_username: str, *, collect: bool = True) -> None:
        super().__init__(token=token, bot_username=bot_username)
        self.collect = collect  # False: no garbage collection while it counts
        self.done = asyncio.Event()
        self._records: list[CallbackRecord] = []
        self._targets: list[tuple[int, int]] = []
        self._edited0 = self._sends0 = self._edit_times0 = 0
        self._started: float | None = None
        self._watching = asyncio.Event()
        self._watch: asyncio.Task[float] | None = None
        self._cpu0 = 0.0
        self.gc_pauses: list[float] = []  # every collection's length, from the first tap
        self._gc_began = 0.0
        gc.callbacks.append(self._gc_timer)

    def _gc_timer(self, phase: str, _: dict[str, int]) -> None:
        if phase == "start":
            self._gc_began = time.perf_counter()
        elif self._started is not None:
            self.gc_pauses.append(time.perf_counter() - self._gc_began)

    def make_app(self) -> web.Application:
        app = super().make_app()
        app.router.add_post("/ctl/invite", self._invite)
        app.router.add_post("/ctl/tap", self._tap)
        app.router.add_get("/ctl/progress", self._progress)
        app.router.add_get("/ctl/result", self._result)
        app.router.add_post("/ctl/stop", self._stop)
        return app

    async def _invite(self, request: web.Request) -> web.Response:
        from benchmarks.inbound import invitations  # the same set-up as in-process

        body = await request.json()
        pairs = await invitations(self, int(body["count"]), int(body["meeting_id"]),
                                  first_uid=int(body["first_uid"]))
        return web.json_response([m for _, m in pairs])

    async def _tap(self, request: web.Request) -> web.Response:
        body = await request.json()
        if self._started is None:  # the first tap: what follows is measured
            calls = self.stats
            self._edited0 = calls.calls_by_method["editMessageText"]
            self._sends0, self._edit_times0 = calls.sends, len(calls.edit_times)
            calls.stamp_lag_max = 0.0
            if not self.collect:  # the set-up's garbage out, then no pause while counting
                gc.collect()
                gc.freeze()
                gc.disable()
            self._started = time.monotonic()
            self._cpu0 = time.process_time()
            self._watch = asyncio.create_task(loop_lag(self._watching))
        for n, (uid, message_id) in enumerate(body["taps"]):
            query = await self.user(uid).press_data(body["data"], message_id=message_id)
            self._records.append(self.user(uid).callback(query))
            self._targets.append((uid, message_id))
            if n % 50 == 49:
                await asyncio.sleep(0)  # let arrivals in between
        return web.json_response({"posted": len(self._records)})

    async def _progress(self, _: web.Request) -> web.Response:
        return web.json_response({
            "answered": sum(1 for r in self._records if r.answered),
            "edited": self.stats.calls_by_method["editMessageText"] - self._edited0,
            "polls": self.stats.calls_by_method["getUpdates"],
        })

    async def _result(self, _: web.Request) -> web.Response:
        assert self._started is not None and self._watch is not None
        self._watching.set()
        started, stats = self._started, self.stats
        sent = [t for times in stats.send_times.values() for t in times if t >= started]
        counted = sent + stats.edit_times[self._edit_times0:]
        final = sum(1 for uid, message_id in self._targets
                    if any(m.message_id == message_id and FINAL_TEXT in m.text
                           for m in self.user(uid).chat))
        return web.json_response({
            "first_tap": min(r.created_at for r in self._records),
            "answers": [(r.answered_at or 0.0) - r.created_at for r in self._records],
            "last_answer": max(r.answered_at or 0.0 for r in self._records),
            "last_edit": max(stats.edit_times[self._edit_times0:], default=None),
            "rate_limited": stats.rate_limited,
            "busiest_second": busiest_second(counted),
            "arrivals": sorted(counted),
            "stamp_lag": stats.stamp_lag_max,
            "loop_lag": await self._watch,
            "final": final,
            "gc_longest": max(self.gc_pauses, default=0.0),
            "gc_total": sum(self.gc_pauses),
            "gc_count": len(self.gc_pauses),
            "cpu": time.process_time() - self._cpu0,
            "wall": time.monotonic() - started,
        })

    async def _stop(self, _: web.Request) -> web.Response:
        self.done.set()
        return web.json_response({"ok": True})


async def loop_lag(done: asyncio.Event) -> float:
    """The longest this process's event loop was held: requests arriving meanwhile wait
    in the socket and are stamped together when it gets to them."""
    worst = 0.0
    while not done.is_set():
        before = time.monotonic()
        await asyncio.sleep(0.01)
        worst = max(worst, time.monotonic() - before - 0.01)
    return worst


async def serve(token: str, bot_username: str, collect: bool) -> None:
    emu = ServedEmulator(token, bot_username, collect=collect)
    await emu.start()
    print(emu.port, flush=True)
    await emu.done.wait()
    await asyncio.sleep(0.1)  # the stop's answer leaves
    await emu.stop()


class RemoteEmulator:
    """The benchmark's handle on a ``ServedEmulator`` child process."""

    def __init__(self, token: str, bot_username: str, *, collect: bool = True) -> None:
        self._args = (token, bot_username, *(() if collect else ("--no-gc",)))
        self._proc: asyncio.subprocess.Process | None = None
        self._http: aiohttp.ClientSession | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def __aenter__(self) -> RemoteEmulator:
        self._proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "benchmarks.emulator_process", *self._args,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            cwd=str(ROOT))
        assert self._proc.stdout is not None
        self.port = int((await self._proc.stdout.readline()).decode())
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600))
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        assert self._proc is not None and self._http is not None
        try:
            await self.call("POST", "stop")
            await asyncio.wait_for(self._proc.wait(), 10)
        except (aiohttp.ClientError, TimeoutError):
            self._proc.kill()
            await self._proc.wait()
        finally:
            await self._http.close()

    async def call(self, verb: str, route: str, body: object = None) -> Any:
        assert self._http is not None
        async with self._http.request(verb, f"http://127.0.0.1:{self.port}/ctl/{route}",
                                      data=None if body is None else json.dumps(body)) as r:
            r.raise_for_status()
            return await r.json()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], sys.argv[2], sys.argv[3:] != ["--no-gc"]))
