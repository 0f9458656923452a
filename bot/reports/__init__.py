"""Reports: the one ledger every figure reads (``ledger``), scope (who sees which branches),
figures, periods, texts (``render``), the workbook and chart (``export``), the daily
warnings (``jobs``) and what this feature answers for the others (``hooks``).

A feature package: may import ``bot.core``, ``bot.imports``, ``bot.texts`` and ``storage``;
never another feature (what it needs of one is an interface in ``bot.core.hooks``), nor
Telegram, handlers, the runtime, the demo or the emulator.
"""
