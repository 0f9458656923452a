"""Household duties: households (``households``), who follows which (``assignments``),
the fields an officer edits (``fields``), household import, the monthly reminder
(``reminders``), the member's card (``card``) and their one-tap reports (``reports``).

A feature package: may import ``bot.core``, ``bot.imports``, ``bot.texts`` and ``storage``;
never another feature (what it needs of one is an interface in ``bot.core.hooks``), nor
Telegram, handlers, the runtime, the demo or the emulator.
"""
