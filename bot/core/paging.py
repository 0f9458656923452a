"""Page arithmetic shared by every paged list (members, households, assignments)."""

from __future__ import annotations

import math


def clamp_page(total: int, page: int, size: int) -> tuple[int, int]:
    """(the page actually shown, how many pages) for ``total`` items; a stale or forged
    page number lands on the nearest real page."""
    pages = max(1, math.ceil(total / size))
    return min(max(page, 0), pages - 1), pages
