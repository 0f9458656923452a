"""Meetings: the schedule rule (``schedule``), branch settings (``admin``), creating,
moving (answers kept) and answering, answers taken by officers and documents
(``service``), what the clock makes due (``jobs``), how meetings read (``texts``), the
roll call with the actual start and end (``rollcall``) and the printable .docx minutes
(``minutes``).

A feature package: may import ``bot.core``, ``bot.imports``, ``bot.texts``, ``storage`` and
the other features; never Telegram, handlers, the runtime, the demo or the emulator.
"""
