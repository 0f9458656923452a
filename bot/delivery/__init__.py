"""Delivery engine: the outbox sender, its rate limits and its error policy."""

from bot.delivery.errors import (
    DeliveryError,
    MaybeSent,
    NotSent,
    RateLimited,
    Rejected,
    Transient,
    Unreachable,
)
from bot.delivery.sender import Sender, Transport

__all__ = [
    "DeliveryError",
    "MaybeSent",
    "NotSent",
    "RateLimited",
    "Rejected",
    "Sender",
    "Transient",
    "Transport",
    "Unreachable",
]
