"""The household fields an officer can edit: the code a button carries -> the column,
and the catalog text naming it."""

from __future__ import annotations

FIELDS = {"head": "head_name", "hamlet": "hamlet", "house": "house_number",
          "address": "address", "notes": "notes"}
FIELD_KEYS = {"head": "hh_field_head", "hamlet": "hh_field_hamlet", "house": "hh_field_house",
              "address": "hh_field_address", "notes": "hh_field_notes"}
