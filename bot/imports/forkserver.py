"""What the upload sandbox's fork server loads once, before any child forks from it.

Every child then starts with openpyxl and the parser already in memory and, under its
address-space cap, allocates only for the file it reads. Importing openpyxl inside a
capped child failed at random places (CPython once raised ``SystemError`` from ``re``)
and was read as a bad file. numpy and Pillow are optional to openpyxl and large: a list
needs neither, so they are kept out (only the fork server imports this module).
"""

import sys

sys.modules.setdefault("numpy", None)  # type: ignore[arg-type]
sys.modules.setdefault("PIL", None)  # type: ignore[arg-type]

import openpyxl  # noqa: E402,F401

import bot.imports.parser  # noqa: E402,F401
