"""Household duties: households (``households``), who follows which (``assignments``),
household import, the monthly reminder (``reminders``), the member's card (``card``) and
their one-tap reports (``reports``).

A feature package: may import ``bot.core``, ``bot.imports``, ``bot.texts``, ``storage`` and
the other features; never Telegram, handlers, the runtime, the demo or the emulator.
"""
