"""Delivery engine: the outbox sender, its rate limits and its error policy."""

from bot.runtime.delivery.errors import (
    DeliveryError,
    MaybeSent,
    NotSent,
    RateLimited,
    Rejected,
    Transient,
    Unexpected,
    Unreachable,
)
from bot.runtime.delivery.sender import Sender, Transport

__all__ = [
    "DeliveryError",
    "MaybeSent",
    "NotSent",
    "RateLimited",
    "Rejected",
    "Sender",
    "Transient",
    "Transport",
    "Unexpected",
    "Unreachable",
]
