"""The household fields an officer can edit: the code a button carries -> the column."""

from __future__ import annotations

FIELDS = {"head": "head_name", "hamlet": "hamlet", "house": "house_number",
          "address": "address", "notes": "notes"}
