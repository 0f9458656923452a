"""What the bot tells people on its own besides meetings and duties: announcements to
a branch and its group (``announcements``), alerts to officers about members who
cannot be reached (``alerts``), and the delivery status for admins and operators
(``status``).

A feature package: may import ``bot.core``, ``bot.imports``, ``bot.texts``, ``storage`` and
the other features; never Telegram, handlers, the runtime, the demo or the emulator.
"""
