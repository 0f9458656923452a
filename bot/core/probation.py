"""The probation period: a member admitted on a day becomes due for recognition as an
official member twelve months later."""

from __future__ import annotations

from datetime import date

PROBATION_MONTHS = 12


def probation_ends(admitted_on: date) -> date:
    """Admission + 12 months (29 February falls on 28 February)."""
    year, month = admitted_on.year + PROBATION_MONTHS // 12, admitted_on.month
    day = admitted_on.day
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1
