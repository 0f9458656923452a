"""Shared foundations every feature stands on; imports no feature package.

- ``access`` who is asking (the :class:`Actor`, read from the database);
  ``permissions`` who may do what: every officer and admin check, by named permission;
- ``errors`` refusals that carry a catalog key; ``clock`` injected time, ``today_in`` and
  ``epoch``;
- ``config`` the TOML settings; ``services`` what one running bot shares (db, clock,
  config, the outbox waker); ``logs`` redaction of secrets;
- ``formatting`` Vietnamese numbers and dates (Babel); ``parsing`` dates and times as
  people type them; ``paging`` page arithmetic; ``callbacks`` button data;
  ``flood`` the per-person token bucket the flood gate handler uses;
- ``names`` cleaning, matching and sorting names; ``probation`` when it ends; ``tokens``
  the secrets of invite and guest links; ``xlsx`` the workbook writer; ``labels`` the
  catalog key of each value shown in words;
- ``hooks`` what one feature asks of another, as small interfaces the answering feature
  provides (features never import each other).

May import: ``bot.imports``, ``bot.texts``, ``storage``. Never ``telegram``, ``aiohttp``,
``handlers``, ``bot.runtime``, ``bot.demo`` or ``emulator`` (pyproject's import-linter
contracts).
"""
