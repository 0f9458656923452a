"""The Zalo channel: a thin client of the Zalo Bot API and what runs on top of it."""
