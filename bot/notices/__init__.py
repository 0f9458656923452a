"""Announcements to members and groups, and alerts to officers."""
