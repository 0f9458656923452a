"""What the bot tells people on its own besides meetings and duties: announcements to
a branch and its group (``announcements``), alerts to officers about members who
cannot be reached (``alerts``), and the delivery status for admins and operators
(``status``).

A feature package: may import ``bot.core``, ``bot.imports``, ``bot.texts`` and ``storage``;
never another feature (what it needs of one is an interface in ``bot.core.hooks``), nor
Telegram, handlers, the runtime, the demo or the emulator.
"""
