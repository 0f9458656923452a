"""The demo: the real application played against the built-in Bot API emulator, as a transcript."""
