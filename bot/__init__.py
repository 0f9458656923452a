"""chibo: the Telegram bot for Party branch (chi bộ) routine."""

__version__ = "0.1.0"
