"""Meetings: the schedule rule (``schedule``), branch settings (``admin``), creating,
moving (answers kept) and answering, answers taken by officers and documents
(``service``), what the clock makes due (``jobs``), how meetings read (``texts``), the
roll call with the actual start and end (``rollcall``), the printable .docx minutes
(``minutes``), meetings that follow membership (``membership``) and what this feature
answers for the others (``hooks``).

A feature package: may import ``bot.core``, ``bot.imports``, ``bot.texts`` and ``storage``;
never another feature (what it needs of one is an interface in ``bot.core.hooks``), nor
Telegram, handlers, the runtime, the demo or the emulator.
"""
