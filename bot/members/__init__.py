"""Members and registration: units, invite links and joining (``registration``), a
branch's members (``service``), member import, committee followers, Party dues, and a
member's personal data (``privacy``: export, erase, the audit log).

A feature package: may import ``bot.core``, ``bot.imports``, ``bot.texts``, ``storage`` and
the other features; never Telegram, handlers, the runtime, the demo or the emulator.
"""
