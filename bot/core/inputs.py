"""What a person is expected to type next in a guided conversation (a name, a date,
a reason, a confirmation), remembered per Telegram account.

Each kind of pending input is a frozen dataclass deriving from ``Pending``, with its
kind's name (the stored key) and the facts the answer needs, declared beside the
handler or domain code that asks::

    @dataclass(frozen=True)
    class AbsenceReason(Pending, kind="absence_reason"):
        meeting: int
        chat: int
        message: int

Kept in the database (``storage.pending``) so a restart does not forget a
half-finished answer; one account waits for one thing at a time, and asking for
something new replaces what was asked before. A stored row that no kind reads any
more (an unknown kind, or facts of another shape, from an older version of the bot)
comes back as ``Unreadable``: the person is asked to start again. Handlers use this
module, never the storage behind it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from pydantic import TypeAdapter, ValidationError

from bot.core.services import Services
from storage import pending


class Pending:
    """The base of every kind of pending input: see the module's docstring."""

    KIND: ClassVar[str]
    kinds: ClassVar[dict[str, type[Pending]]] = {}

    def __init_subclass__(cls, *, kind: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if kind is None:
            return
        known = Pending.kinds.get(kind)
        if known is not None and known.__qualname__ != cls.__qualname__:
            raise TypeError(f"{cls.__name__}: kind {kind!r} is {known.__name__}'s")
        cls.KIND = kind
        Pending.kinds[kind] = cls

    def as_json(self) -> dict[str, Any]:
        assert dataclasses.is_dataclass(self)
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Unreadable(Pending):
    """A stored pending input no kind reads (see the module's docstring)."""

    kind: str


P = TypeVar("P", bound=Pending)


_ADAPTERS: dict[str, TypeAdapter[Any]] = {}


def _adapter(kind: type[Pending]) -> TypeAdapter[Any]:
    found = _ADAPTERS.get(kind.KIND)
    if found is None:
        found = _ADAPTERS[kind.KIND] = TypeAdapter(kind)
    return found


def load(kind: str, data: object) -> Pending:
    """The pending input stored as ``kind`` with ``data``; ``Unreadable`` when no kind
    of this version reads it."""
    family = Pending.kinds.get(kind)
    if family is None:
        return Unreadable(kind)
    try:
        value = _adapter(family).validate_python(data)
    except ValidationError:
        return Unreadable(kind)
    assert isinstance(value, family)
    return value


async def expect(services: Services, telegram_user_id: int, value: Pending) -> None:
    """Remember that the account's next text answers ``value``'s kind."""
    await pending.put(services.db, telegram_user_id, value.KIND, value.as_json(),
                      services.clock.now())


async def waiting(services: Services, telegram_user_id: int) -> Pending | None:
    """What the account is expected to send next, if anything."""
    stored = await pending.get(services.db, telegram_user_id)
    return None if stored is None else load(stored.kind, stored.data)


async def waiting_as(services: Services, telegram_user_id: int, kind: type[P]) -> P | None:
    """What the account is expected to send next, when it is of ``kind``."""
    value = await waiting(services, telegram_user_id)
    return value if isinstance(value, kind) else None


async def forget(services: Services, telegram_user_id: int,
                 kind: type[Pending] | None = None) -> None:
    """Stop waiting (only when waiting for ``kind``, if given)."""
    await pending.clear(services.db, telegram_user_id, None if kind is None else kind.KIND)
