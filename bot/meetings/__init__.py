"""Meetings: the schedule rule, invitations and answers, reminders, the roll call and minutes."""
