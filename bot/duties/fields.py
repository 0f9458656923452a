"""The household fields an officer can edit: the code a button carries -> the column,
and the catalog text naming it."""

from __future__ import annotations

from typing import Literal

HouseholdField = Literal["head", "hamlet", "house", "address", "notes"]
HOUSEHOLD_FIELDS: tuple[HouseholdField, ...] = ("head", "hamlet", "house", "address", "notes")

FIELDS = {"head": "head_name", "hamlet": "hamlet", "house": "house_number",
          "address": "address", "notes": "notes"}
FIELD_KEYS = {"head": "hh_field_head", "hamlet": "hh_field_hamlet", "house": "hh_field_house",
              "address": "hh_field_address", "notes": "hh_field_notes"}
assert tuple(FIELDS) == tuple(FIELD_KEYS) == HOUSEHOLD_FIELDS
