"""What Python prints by itself (an uncaught traceback, a thread's, an "Exception
ignored in" report, output at interpreter shutdown) goes through the redaction too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SECRET = "123456:SECRET-half-of-the-token"  # a fake token
SCRIPT = f"""
import threading
from bot.core.logs import REDACTOR, install_redaction
REDACTOR.add_secret({SECRET!r})
install_redaction()
t = threading.Thread(target=lambda: (_ for _ in ()).throw(RuntimeError("thread {SECRET}")))
t.start(); t.join()
class Leaky:
    def __del__(self):
        raise ValueError("del {SECRET}")
keep = Leaky()  # collected at interpreter shutdown
x = Leaky(); del x
raise RuntimeError("The token `{SECRET}` was rejected by the server.")
"""


def test_uncaught_tracebacks_and_unraisable_reports_are_redacted() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,  # noqa: S603
                          cwd=Path(__file__).resolve().parents[2], timeout=60, check=False)
    both = done.stdout + done.stderr
    assert done.returncode == 1
    assert "RuntimeError: The token `[secret]` was rejected" in both
    assert "thread [secret]" in both and "del [secret]" in both
    assert SECRET not in both and SECRET.split(":")[1] not in both
