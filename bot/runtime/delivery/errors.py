"""What can go wrong sending one message, classified by what to do about it."""

from __future__ import annotations


class DeliveryError(Exception):
    """Base class; ``str(error)`` is the platform's description (never the token)."""


class RateLimited(DeliveryError):
    """429: try this message again after ``retry_after`` seconds."""

    def __init__(self, retry_after: float, description: str = "Too Many Requests") -> None:
        super().__init__(description)
        self.retry_after = retry_after


class NotSent(DeliveryError):
    """The request never left (connection pool timeout): retry at once."""


class MaybeSent(DeliveryError):
    """The request left but the answer did not come back (read timeout): retry, and count
    the message as a possible duplicate."""


class Transient(DeliveryError):
    """5xx or a network error: retry with exponential backoff, then give up."""


class Unreachable(DeliveryError):
    """The person cannot be reached (blocked the bot, deactivated, never started it, chat
    not found). Never retried."""

    def __init__(self, reason: str, description: str) -> None:
        super().__init__(description)
        self.reason = reason  # blocked | deactivated | not_started | chat_not_found


class Rejected(DeliveryError):
    """The platform refuses this message itself (too long, bad button): never retried."""


class Unexpected(DeliveryError):
    """The send raised something that is not a platform answer (a bug, a codec or a
    network library error): retried with backoff like ``Transient``, then given up."""
