"""People, their memberships in branches, and their standing there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from storage.db import Connection, Database, IntegrityError, Row
from storage.prefs import carry_zalo_language
from storage.timefmt import from_db, to_db


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A person as a member of one branch."""

    person_id: int
    membership_id: int
    unit_id: int
    full_name: str
    birth_date: date | None
    phone: str | None
    telegram_user_id: int | None
    role: str
    admitted_on: date | None
    official_on: date | None
    is_away: bool
    is_exempt: bool
    is_213: bool
    state: str
    unreachable_since: str | None
    joined_at: datetime | None = None  # the start in this branch
    ended_at: str | None = None  # moved away or removed
    on_zalo: bool = False  # reached on Zalo, their preferred channel

    @property
    def probationary(self) -> bool:
        """Admitted and not yet official. Without an admission date the standing is
        unknown (``standing_unknown``), never assumed probationary."""
        return self.admitted_on is not None and self.official_on is None

    @property
    def standing_unknown(self) -> bool:
        return self.admitted_on is None and self.official_on is None

    @property
    def standing(self) -> str | None:
        """The standing that excuses absences by default, if any."""
        if self.is_away:
            return "away"
        if self.is_exempt:
            return "exempt"
        if self.is_213:
            return "213"
        return None


_MEMBER_SELECT = (
    "SELECT p.id AS person_id, m.id AS membership_id, m.unit_id, p.full_name, p.birth_date, "
    "p.phone, p.telegram_user_id, m.role, m.admitted_on, m.official_on, m.is_away, "
    "m.is_exempt, m.is_213, m.state, p.unreachable_since, m.joined_at, m.ended_at, "
    "(p.zalo_user_id IS NOT NULL AND p.channel = 'zalo') AS on_zalo "
    "FROM memberships m JOIN people p ON p.id = m.person_id "
)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _member(r: Row) -> MemberRow:
    return MemberRow(
        person_id=r["person_id"], membership_id=r["membership_id"], unit_id=r["unit_id"],
        full_name=r["full_name"], birth_date=_date(r["birth_date"]), phone=r["phone"],
        telegram_user_id=r["telegram_user_id"], role=r["role"],
        admitted_on=_date(r["admitted_on"]), official_on=_date(r["official_on"]),
        is_away=bool(r["is_away"]), is_exempt=bool(r["is_exempt"]), is_213=bool(r["is_213"]),
        state=r["state"], unreachable_since=r["unreachable_since"],
        joined_at=from_db(r["joined_at"]) if r["joined_at"] else None,
        ended_at=r["ended_at"], on_zalo=bool(r["on_zalo"]),
    )


async def add_person(
    conn: Connection,
    *,
    full_name: str,
    name_key: str,
    now: datetime,
    birth_date: date | None = None,
    phone: str | None = None,
) -> int:
    cur = await conn.execute(
        "INSERT INTO people (full_name, name_key, birth_date, phone, created_at) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id",
        (full_name, name_key, birth_date.isoformat() if birth_date else None, phone, to_db(now)),
    )
    return int(cur.lastrowid or 0)


async def add_membership(
    conn: Connection,
    *,
    person_id: int,
    unit_id: int,
    now: datetime,
    role: str = "member",
    admitted_on: date | None = None,
    official_on: date | None = None,
    joined_at: datetime | None = None,
    is_213: bool = False,
) -> int:
    """``joined_at``: the start in this branch when known (else ``now``)."""
    cur = await conn.execute(
        "INSERT INTO memberships (person_id, unit_id, role, admitted_on, official_on, joined_at, "
        "is_213) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (person_id, unit_id, role, admitted_on.isoformat() if admitted_on else None,
         official_on.isoformat() if official_on else None, to_db(joined_at or now),
         int(is_213)),
    )
    return int(cur.lastrowid or 0)


async def bind_telegram(conn: Connection, person_id: int, telegram_user_id: int) -> None:
    """The Telegram account is the person's now; a language they chose on Zalo holds
    on Telegram too (one language per person)."""
    await conn.execute(
        "UPDATE people SET telegram_user_id = ? WHERE id = ?", (telegram_user_id, person_id)
    )
    await carry_zalo_language(conn, person_id)


async def member(db: Database, unit_id: int, person_id: int) -> MemberRow | None:
    """The person's membership in the branch: the open period, else the latest one."""
    row = await db.fetch_one(
        _MEMBER_SELECT + "WHERE m.unit_id = ? AND m.person_id = ? "
        "ORDER BY CASE WHEN m.state = 'active' THEN 0 ELSE 1 END, m.joined_at DESC, m.id DESC",
        (unit_id, person_id)
    )
    return None if row is None else _member(row)


async def former_in_unit(db: Database, unit_id: int, name_key: str) -> list[int]:
    """People with that name who belonged to the branch and have no open period there."""
    rows = await db.fetch_all(
        "SELECT DISTINCT p.id FROM memberships m JOIN people p ON p.id = m.person_id "
        "WHERE m.unit_id = ? AND p.name_key = ? AND p.erased_at IS NULL AND m.state != 'active' "
        "AND NOT EXISTS (SELECT 1 FROM memberships o WHERE o.person_id = p.id "
        "AND o.unit_id = m.unit_id AND o.state = 'active') ORDER BY p.id", (unit_id, name_key))
    return [int(r[0]) for r in rows]


async def reopen_membership(conn: Connection, person_id: int, unit_id: int,
                            now: datetime) -> int:
    """A new membership period for a person coming back to the branch, with the facts of
    their latest period (party dates, standing); the earlier periods stay as they were."""
    row = await conn.fetch_one(
        "SELECT admitted_on, official_on, is_away, is_exempt, is_213 FROM memberships "
        "WHERE person_id = ? AND unit_id = ? ORDER BY joined_at DESC, id DESC",
        (person_id, unit_id))
    assert row is not None
    cur = await conn.execute(
        "INSERT INTO memberships (person_id, unit_id, role, admitted_on, official_on, is_away, "
        "is_exempt, is_213, joined_at) VALUES (?, ?, 'member', ?, ?, ?, ?, ?, ?) RETURNING id",
        (person_id, unit_id, row[0], row[1], row[2], row[3], row[4], to_db(now)))
    return int(cur.lastrowid or 0)


async def members_of(db: Database, unit_id: int, *, active_only: bool = True) -> list[MemberRow]:
    where = "WHERE m.unit_id = ?" + (" AND m.state = 'active'" if active_only else "")
    rows = await db.fetch_all(_MEMBER_SELECT + where + " ORDER BY p.name_key, p.id", (unit_id,))
    return [_member(r) for r in rows]


@dataclass(frozen=True, slots=True)
class PersonRecord:
    id: int
    full_name: str
    name_key: str
    birth_date: date | None
    phone: str | None
    telegram_user_id: int | None
    erased: bool
    zalo_linked: bool = False

    @property
    def reachable(self) -> bool:
        """Can be sent a message on some channel (Telegram or Zalo)."""
        return not self.erased and (self.telegram_user_id is not None or self.zalo_linked)

    @property
    def chat_id(self) -> int:
        """The envelope's chat id: the Telegram account, or 0 for a person only on Zalo
        (``outbox.enqueue`` then addresses the envelope by its ``person_id``)."""
        return self.telegram_user_id or 0


async def person(db: Database, person_id: int) -> PersonRecord | None:
    r = await db.fetch_one(
        "SELECT id, full_name, name_key, birth_date, phone, telegram_user_id, erased_at, "
        "zalo_user_id FROM people WHERE id = ?", (person_id,))
    if r is None:
        return None
    return PersonRecord(r["id"], r["full_name"], r["name_key"], _date(r["birth_date"]),
                        r["phone"], r["telegram_user_id"], r["erased_at"] is not None,
                        r["zalo_user_id"] is not None)


async def by_telegram(db: Database, telegram_user_id: int) -> PersonRecord | None:
    value = await db.fetch_value(
        "SELECT id FROM people WHERE telegram_user_id = ?", (telegram_user_id,))
    return None if value is None else await person(db, int(value))


async def find_in_unit(db: Database, unit_id: int, name_key: str) -> list[MemberRow]:
    rows = await db.fetch_all(
        _MEMBER_SELECT + "WHERE m.unit_id = ? AND p.name_key = ? AND m.state = 'active' "
        "ORDER BY p.id", (unit_id, name_key))
    return [_member(r) for r in rows]


async def membership(db: Database, membership_id: int) -> MemberRow | None:
    row = await db.fetch_one(_MEMBER_SELECT + "WHERE m.id = ?", (membership_id,))
    return None if row is None else _member(row)


async def count_members(db: Database, unit_id: int) -> int:
    return int(await db.fetch_value(
        "SELECT count(*) FROM memberships WHERE unit_id = ? AND state = 'active'", (unit_id,)))


async def members_page(db: Database, unit_id: int, offset: int, limit: int) -> list[MemberRow]:
    rows = await db.fetch_all(
        _MEMBER_SELECT + "WHERE m.unit_id = ? AND m.state = 'active' "
        "ORDER BY p.name_key, p.id LIMIT ? OFFSET ?", (unit_id, limit, offset))
    return [_member(r) for r in rows]


async def memberships_of_person(db: Database, person_id: int) -> list[MemberRow]:
    rows = await db.fetch_all(
        _MEMBER_SELECT + "WHERE m.person_id = ? AND m.state = 'active' ORDER BY m.id",
        (person_id,))
    return [_member(r) for r in rows]


async def set_flag(conn: Connection, membership_id: int, flag: str, value: bool) -> None:
    column = {"away": "is_away", "exempt": "is_exempt", "213": "is_213"}[flag]
    await conn.execute(f"UPDATE memberships SET {column} = ? WHERE id = ?",
                       (int(value), membership_id))


async def set_role(conn: Connection, membership_id: int, role: str) -> None:
    await conn.execute("UPDATE memberships SET role = ? WHERE id = ?", (role, membership_id))


async def set_official(conn: Connection, membership_id: int, on: date) -> None:
    await conn.execute("UPDATE memberships SET official_on = ? WHERE id = ?",
                       (on.isoformat(), membership_id))


async def end_membership(
    conn: Connection, membership_id: int, state: str, now: datetime
) -> None:
    await conn.execute("UPDATE memberships SET state = ?, ended_at = ? WHERE id = ?",
                       (state, to_db(now), membership_id))


async def move_membership(
    conn: Connection, membership_id: int, to_unit: int, now: datetime
) -> int:
    """End the membership as 'transferred' and open a new period in ``to_unit`` with the
    same facts (a return to an earlier branch is a new period there: the earlier one stays
    in its years). An open "213" relation in ``to_unit`` becomes the official membership."""
    row = await conn.fetch_one(
        "SELECT person_id, admitted_on, official_on, is_away, is_exempt, is_213 "
        "FROM memberships WHERE id = ?", (membership_id,))
    assert row is not None
    await end_membership(conn, membership_id, "transferred", now)
    open_id = await conn.fetch_value(
        "SELECT id FROM memberships WHERE person_id = ? AND unit_id = ? AND state = 'active'",
        (row[0], to_unit))
    if open_id is not None:
        await conn.execute("UPDATE memberships SET is_213 = ? WHERE id = ?",
                           (row[5], open_id))
        return int(open_id)
    cur = await conn.execute(
        "INSERT INTO memberships (person_id, unit_id, role, admitted_on, official_on, is_away, "
        "is_exempt, is_213, joined_at) VALUES (?, ?, 'member', ?, ?, ?, ?, ?, ?) RETURNING id",
        (row[0], to_unit, row[1], row[2], row[3], row[4], row[5], to_db(now)),
    )
    return int(cur.lastrowid or 0)


async def erase_personal_data(conn: Connection, person_id: int, now: datetime) -> None:
    """Blank personal fields and unbind the account; the name stays for the minutes' history.
    Copies of those fields (outbox messages, audit details, inputs) go first."""
    from storage.privacy import scrub

    await scrub(conn, person_id)
    await conn.execute("DELETE FROM pending_inputs WHERE telegram_user_id IN "
                       "(SELECT telegram_user_id FROM people WHERE id = ?)", (person_id,))
    await conn.execute(
        "UPDATE people SET birth_date = NULL, phone = NULL, telegram_user_id = NULL, "
        "zalo_user_id = NULL, channel = 'telegram', "
        "unreachable_since = NULL, unreachable_reason = NULL, erased_at = ? WHERE id = ?",
        (to_db(now), person_id))
    await conn.execute("UPDATE invitations SET reason = NULL WHERE person_id = ?", (person_id,))
    await conn.execute("UPDATE attendance SET reason = NULL WHERE person_id = ?", (person_id,))
    await conn.execute("UPDATE duty_reports SET note = NULL WHERE person_id = ?", (person_id,))
    # Texts already sent to them (their answers, their reminders) are not kept either.
    await conn.execute("""UPDATE outbox SET payload = '{"text": ""}' WHERE person_id = ? """
                       "AND state IN ('sent', 'failed', 'skipped')", (person_id,))


async def add_committee_officer(
    conn: Connection, person_id: int, unit_id: int, role: str, now: datetime
) -> None:
    await conn.execute(
        "INSERT INTO committee_officers (person_id, unit_id, role, since) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (person_id, unit_id) DO UPDATE SET role = excluded.role",
        (person_id, unit_id, role, to_db(now)))


_PERSON_FIELDS = {"full_name": "full_name", "birth_date": "birth_date", "phone": "phone"}
_MEMBERSHIP_FIELDS = {"admitted_on": "admitted_on", "official_on": "official_on",
                      "joined_at": "joined_at"}


async def set_person_field(conn: Connection, person_id: int, field: str,
                           value: str | date | None, *, name_key: str | None = None) -> None:
    """Correct one field of a person (a name also gets its new ``name_key``)."""
    column = _PERSON_FIELDS[field]
    text = value.isoformat() if isinstance(value, date) else value
    if column == "full_name":
        await conn.execute("UPDATE people SET full_name = ?, name_key = ? WHERE id = ?",
                           (text, name_key, person_id))
    else:
        await conn.execute(f"UPDATE people SET {column} = ? WHERE id = ?", (text, person_id))


async def set_membership_field(conn: Connection, membership_id: int, field: str,
                               value: date | datetime | None) -> None:
    """Correct one date of a membership: admission, official, or the start here."""
    column = _MEMBERSHIP_FIELDS[field]
    if isinstance(value, datetime):
        text: str | None = to_db(value)
    else:
        text = value.isoformat() if value is not None else None
    await conn.execute(f"UPDATE memberships SET {column} = ? WHERE id = ?",
                       (text, membership_id))


# Every column that points at a person, as (table, column); rows that would clash with the
# kept person's own (same meeting, same period) are dropped with the duplicate person.
_PERSON_REFERENCES = (
    ("memberships", "person_id"), ("committee_officers", "person_id"),
    ("followers", "person_id"), ("invites", "person_id"), ("invites", "created_by"),
    ("meetings", "created_by"), ("invitations", "person_id"), ("attendance", "person_id"),
    ("attendance", "recorded_by"), ("assignments", "person_id"),
    ("duty_reports", "person_id"), ("dues", "person_id"), ("dues", "recorded_by"),
    ("outbox", "person_id"),
)


async def merge_person(conn: Connection, duplicate_id: int, kept_id: int) -> None:
    """Make ``duplicate_id`` (a record created by a second branch for someone the bot
    already knows) part of ``kept_id``: every row pointing at it points at the kept
    person; facts the kept person lacks are taken over; the duplicate goes."""
    for table, column in _PERSON_REFERENCES:
        await _repoint(conn, table, column, kept_id, duplicate_id)
    await conn.execute(
        "UPDATE people SET birth_date = coalesce(birth_date, "
        "(SELECT birth_date FROM people WHERE id = ?)), phone = coalesce(phone, "
        "(SELECT phone FROM people WHERE id = ?)) WHERE id = ?",
        (duplicate_id, duplicate_id, kept_id))
    try:
        async with conn.savepoint("chibo_merge"):
            await conn.execute("DELETE FROM people WHERE id = ?", (duplicate_id,))
    except IntegrityError:
        # Still referenced from a table this list does not know: keep an empty record.
        await conn.execute("UPDATE people SET telegram_user_id = NULL WHERE id = ?",
                           (duplicate_id,))


async def _repoint(conn: Connection, table: str, column: str, kept_id: int,
                   duplicate_id: int) -> None:
    """Point ``table.column`` rows from the duplicate to the kept person, skipping a row
    that would collide with one the kept person already has (SQLite's UPDATE OR IGNORE;
    on PostgreSQL row by row, each in a savepoint, since a failed statement there would
    abort the whole transaction)."""
    if conn.engine == "sqlite":
        await conn.execute(f"UPDATE OR IGNORE {table} SET {column} = ? WHERE {column} = ?",
                           (kept_id, duplicate_id))
        return
    for (ctid,) in await conn.fetch_all(
            f"SELECT ctid::text FROM {table} WHERE {column} = ?", (duplicate_id,)):
        try:
            async with conn.savepoint("chibo_repoint"):
                await conn.execute(f"UPDATE {table} SET {column} = ? WHERE ctid = ?::tid",
                                   (kept_id, ctid))
        except IntegrityError:
            continue


async def start_second_membership(conn: Connection, person_id: int, unit_id: int, *,
                                  admitted_on: date | None, official_on: date | None,
                                  relation: bool = True) -> None:
    """Mark a person's membership in ``unit_id`` as their "213" relation (``relation``) or
    their official one, filling the party dates it lacks from their other membership."""
    await conn.execute(
        "UPDATE memberships SET is_213 = ?, admitted_on = coalesce(admitted_on, ?), "
        "official_on = coalesce(official_on, ?) WHERE person_id = ? AND unit_id = ? "
        "AND state = 'active'",
        (int(relation), admitted_on.isoformat() if admitted_on else None,
         official_on.isoformat() if official_on else None, person_id, unit_id))


async def telegram_account(db: Database, *, person_id: int) -> int | None:
    """The Telegram account bound to the person, if any."""
    value = await db.fetch_value("SELECT telegram_user_id FROM people WHERE id = ?",
                                 (person_id,))
    return None if value is None else int(value)


async def unreachable_accounts(db: Database) -> set[int]:
    """Bound Telegram accounts currently marked unreachable."""
    rows = await db.fetch_all(
        "SELECT telegram_user_id FROM people WHERE unreachable_since IS NOT NULL "
        "AND telegram_user_id IS NOT NULL")
    return {int(r[0]) for r in rows}


async def release_account(conn: Connection, *, telegram_user_id: int,
                          keeper_id: int) -> None:
    """Unbind the account from every person but ``keeper_id`` (one account, one person)."""
    await conn.execute("UPDATE people SET telegram_user_id = NULL WHERE telegram_user_id "
                       "= ? AND id != ?", (telegram_user_id, keeper_id))


async def delete_if_unused(conn: Connection, *, person_id: int) -> None:
    """Delete a person never bound and never a member (a placeholder made for an invite)."""
    await conn.execute("DELETE FROM people WHERE id = ? AND telegram_user_id IS NULL "
                       "AND NOT EXISTS (SELECT 1 FROM memberships WHERE person_id = ?)",
                       (person_id, person_id))


async def leave_everywhere(conn: Connection, *, person_id: int,
                           now: datetime) -> None:
    """End each of the person's active memberships as 'left'."""
    await conn.execute(
        "UPDATE memberships SET state = 'left', ended_at = ? "
        "WHERE person_id = ? AND state = 'active'",
        (to_db(now), person_id),
    )
SETUP_DAYS = 7  # members added within a week of the branch's creation were there from the start


async def start_founders_at(conn: Connection, unit_id: int, start: date) -> int:
    """Members who were there when the branch began recording (added in the week it was
    set up in the bot) start at ``start``, the earlier record start; members added later,
    or with an earlier start already, keep theirs. Returns how many changed."""
    created = await conn.fetch_value("SELECT created_at FROM units WHERE id = ?", (unit_id,))
    if created is None:
        return 0
    set_up_until = to_db(from_db(created) + timedelta(days=SETUP_DAYS))
    cur = await conn.execute(
        "UPDATE memberships SET joined_at = ? WHERE unit_id = ? AND joined_at > ? "
        "AND joined_at < ?",
        (start.isoformat(), unit_id, start.isoformat(), set_up_until))
    return cur.rowcount
