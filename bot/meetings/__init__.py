"""Meetings: the schedule rule, invitations and answers (kept across moves, or taken by an
officer), documents, reminders, the roll call (actual start and end) and the minutes (the
attendance block, and the printable .docx in minutes.py)."""
