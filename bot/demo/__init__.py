"""The demo: the real application played against the built-in Bot API emulator, as a
transcript (``chibo demo``); ``playground`` is also what the end-to-end tests drive.

The top layer: may import everything; nothing but ``chibo demo`` imports it.
"""
