"""Values computed for a short session (a report's pages), kept a while in memory.

Bounded in size and in age: the oldest go first, and nothing outlives ``ttl``. What a
key stands for (and whether the value is still true) is the caller's business: a key
carries the version of the data the value was computed from.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Hashable


class Memo:
    def __init__(self, size: int = 128, ttl: float = 900.0) -> None:
        self._size = size
        self._ttl = ttl
        self._values: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()

    def get(self, key: Hashable) -> object | None:
        found = self._values.get(key)
        if found is None:
            return None
        stored, value = found
        if time.monotonic() - stored > self._ttl:
            del self._values[key]
            return None
        self._values.move_to_end(key)
        return value

    def put(self, key: Hashable, value: object) -> None:
        self._values[key] = (time.monotonic(), value)
        self._values.move_to_end(key)
        while len(self._values) > self._size:
            self._values.popitem(last=False)
