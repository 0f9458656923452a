"""Members and registration: units, invite links and joining (``registration``), a
branch's members (``service``), member import, committee followers, Party dues, and a
member's personal data (``privacy``: export, erase, the audit log).

A feature package: may import ``bot.core``, ``bot.imports``, ``bot.texts`` and ``storage``;
never another feature (what it needs of one is an interface in ``bot.core.hooks``), nor
Telegram, handlers, the runtime, the demo or the emulator.
"""
