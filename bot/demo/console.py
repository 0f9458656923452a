"""``chibo demo --console``: after the script, the console stays open for a person.

It prints the console's local address and a link signed for the demo's branch secretary
(init data in the fragment, as a Telegram client passes it), then waits for Ctrl-C.
The demo's clock stands still, so the link stays valid for as long as it is open.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from typing import TextIO

from bot.demo.playground import TOKEN, Playground
from bot.runtime.webapp import ConsoleServer
from emulator.webapp import launch_fragment, sign_init_data

SECRETARY_ID = 3001  # Trần Thị Hoa, the secretary of the demo's branch


def signed_link(live_bot: Playground, telegram_id: int, first_name: str, query: str = "") -> str:
    server: ConsoleServer = live_bot.app.bot_data.webapp
    data = sign_init_data(TOKEN, {"id": telegram_id, "first_name": first_name},
                          int(live_bot.clock.now().timestamp()))
    return server.local_url + query + launch_fragment(data)


async def hold_console(live_bot: Playground, out: TextIO,
                       stop: asyncio.Event | None = None) -> None:
    """Print the address and a signed link; keep serving until ``stop`` or Ctrl-C."""
    server: ConsoleServer = live_bot.app.bot_data.webapp
    print(f"\n🖥  console: {server.local_url}", file=out)
    print(f"   signed in as the branch secretary (Trần Thị Hoa):\n   "
          f"{signed_link(live_bot, SECRETARY_ID, 'Hoa')}", file=out)
    print("   open it in a browser; Ctrl-C to stop.", file=out, flush=True)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signum)
