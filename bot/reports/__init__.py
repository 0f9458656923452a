"""Reports: scope (who sees which branches), figures (defined once), periods, texts
(``render``), the workbook and chart (``export``, ``xlsx``) and the daily warnings
(``jobs``).

A feature package: may import ``bot.core``, ``bot.imports``, ``bot.texts``, ``storage`` and
the other features; never Telegram, handlers, the runtime, the demo or the emulator.
"""
