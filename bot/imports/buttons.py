"""The buttons of an import with problems: import the valid lines, or cancel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core.callbacks import Codec


@dataclass(frozen=True)
class ImportButton(Codec, prefix="imp"):
    """``imp:<ok|no>:<nonce>``: the nonce names the plan waiting for the answer."""

    answer: Literal["ok", "no"]
    nonce: str
