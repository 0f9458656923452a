"""Meetings: the schedule rule (``schedule``), branch settings (``admin``), creating,
moving and answering (``service``), what the clock makes due (``jobs``), how meetings
read (``texts``), the roll call and the minutes (``rollcall``).

A feature package: may import ``bot.core``, ``bot.imports``, ``bot.texts``, ``storage`` and
the other features; never Telegram, handlers, the runtime, the demo or the emulator.
"""
