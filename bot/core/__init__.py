"""Shared foundations every feature stands on; imports no feature package.

- ``access`` who is asking (the :class:`Actor`, read from the database);
  ``permissions`` who may do what: every officer and admin check, by named permission;
- ``errors`` refusals that carry a catalog key; ``clock`` injected time and ``today_in``;
- ``config`` the TOML settings; ``services`` what one running bot shares (db, clock,
  config, the outbox waker); ``logs`` redaction of secrets;
- ``formatting`` Vietnamese numbers and dates (Babel); ``parsing`` dates and times as
  people type them; ``paging`` page arithmetic; ``callbacks`` button data;
  ``flood`` the per-person token bucket the flood gate handler uses.

May import: ``bot.imports``, ``bot.texts``, ``storage``. Never ``telegram``, ``aiohttp``,
``handlers``, ``bot.runtime``, ``bot.demo`` or ``emulator`` (pyproject's import-linter
contracts).
"""
