"""Erasure erases: after a realistic history (a phone and a birth date corrected by the
secretary, an absence reason, a household problem alerted to the officers) and
``chibo member erase``, no text column of any table keeps the person's data; the audit
keeps that an erasure happened, by whom, in which branch, without the data.

The list of columns comes from the schema itself: a new TEXT column fails this test
until it is classified below, so personal data cannot hide in a column nobody thought of.
"""

from __future__ import annotations

from pathlib import Path

from bot.core.access import resolve_actor
from bot.demo.playground import Playground
from bot.duties import assignments as duty_assignments
from bot.duties import reports as duty_reports
from bot.duties.reports import current_period
from bot.meetings.service import officer_invitations
from bot.members.records import correct_field
from storage import households
from storage.privacy import text_columns
from tests.e2e.test_privacy import cli, tap
from tests.engines import database_line
from tests.factories import seed_branch

PHONE = "0912345678"
BIRTH = "12/03/1985"
BIRTH_ISO = "1985-03-12"
REASON = "Đi khám bệnh ở Bệnh viện Bạch Mai"
NOTE = "Mái nhà bị dột sau bão, cần hỗ trợ sửa gấp"
SECRETS = (PHONE, BIRTH, BIRTH_ISO, REASON, NOTE)

# Every TEXT column of the schema, classified. PERSONAL: may hold a person's data, so
# must not keep the erased person's after erasure. OTHER: cannot (codes, times, ids,
# hashes, a unit's or a household's own data). A column missing here fails the test.
PERSONAL = {
    ("people", "birth_date"), ("people", "phone"), ("people", "unreachable_reason"),
    ("invitations", "reason"), ("attendance", "reason"), ("duty_reports", "note"),
    ("outbox", "payload"), ("outbox", "last_error"), ("pending_inputs", "data"),
    ("audit_log", "detail"), ("user_prefs", "language"), ("meeting_documents", "file_name"),
    ("households", "notes"), ("households", "address"),
    # a guest's own data; an officer's reason for correcting a roll call (free text)
    ("guests", "full_name"), ("guests", "note"), ("meetings", "correction_reason"),
    # an update as Telegram sent it (what the person typed), kept until it is handled;
    # Zalo identifiers: the account linked, codes redeemed, attempts and confirmations
    ("inbound_updates", "payload"), ("people", "zalo_user_id"), ("zalo_codes", "used_by"),
    ("zalo_attempts", "zalo_user_id"), ("zalo_pending", "zalo_user_id"),
    # the language chosen on a Zalo account (as user_prefs for a Telegram account)
    ("zalo_prefs", "zalo_user_id"), ("zalo_prefs", "language"),
}
OTHER = {
    # the name stays on purpose: past minutes must stay correct
    ("people", "full_name"), ("people", "name_key"), ("people", "created_at"),
    ("people", "erased_at"), ("people", "unreachable_since"),
    ("assignments", "from_date"), ("assignments", "to_date"),
    ("attendance", "status"), ("attendance", "recorded_at"),
    ("audit_log", "at"), ("audit_log", "action"),
    ("committee_officers", "role"), ("committee_officers", "since"),
    ("dues", "period"), ("dues", "paid_at"),
    ("duty_reports", "period"), ("duty_reports", "status"), ("duty_reports", "reported_at"),
    ("followers", "since"), ("followers", "until"),
    ("households", "head_name"), ("households", "name_key"), ("households", "hamlet"),
    ("households", "house_number"), ("households", "created_at"),
    ("households", "removed_at"),
    ("invitations", "capacity"), ("invitations", "standing"), ("invitations", "answer"),
    ("invitations", "answered_at"),
    ("invites", "token_hash"), ("invites", "role"), ("invites", "created_at"),
    ("invites", "expires_at"), ("invites", "used_at"), ("invites", "revoked_at"),
    ("leases", "name"), ("leases", "holder"), ("marks", "key"), ("marks", "done_at"),
    ("meeting_documents", "file_id"), ("meeting_documents", "media"),
    ("meeting_documents", "added_at"),
    ("meetings", "kind"), ("meetings", "starts_at"), ("meetings", "place"),
    ("meetings", "agenda"), ("meetings", "state"), ("meetings", "auto_month"),
    ("meetings", "created_at"), ("meetings", "updated_at"), ("meetings", "closed_at"),
    ("meetings", "ended_at"), ("meetings", "held_from"),
    ("memberships", "role"), ("memberships", "admitted_on"), ("memberships", "official_on"),
    ("memberships", "state"), ("memberships", "joined_at"), ("memberships", "ended_at"),
    ("outbox", "business_key"), ("outbox", "kind"), ("outbox", "method"),
    ("outbox", "state"), ("outbox", "next_attempt_at"), ("outbox", "stale_after"),
    ("outbox", "created_at"), ("outbox", "sent_at"), ("outbox", "claimed_by"),
    ("pending_inputs", "kind"), ("pending_inputs", "created_at"),
    ("guests", "answer"), ("guests", "token_hash"), ("guests", "added_at"),
    ("send_pace", "pace_key"), ("units", "kind"), ("units", "name"),
    ("units", "schedule_rule"), ("units", "default_place"), ("units", "created_at"),
    ("units", "record_start"), ("workers", "id"),
    ("data_version", "name"), ("inbound_updates", "taken_by"), ("outbox", "channel"),
    ("people", "channel"), ("zalo_attempts", "at"), ("zalo_codes", "code_hash"),
    ("zalo_codes", "created_at"), ("zalo_codes", "expires_at"), ("zalo_codes", "used_at"),
    ("zalo_events", "event_id"), ("zalo_events", "taken_at"), ("zalo_pending", "created_at"),
}


async def test_every_text_column_of_the_schema_is_classified(live_bot: Playground) -> None:
    columns = set(await text_columns(live_bot.services.db))
    assert columns - PERSONAL - OTHER == set(), "classify these columns in this test"
    assert set() == PERSONAL & OTHER


async def test_erasure_leaves_none_of_the_persons_data_in_any_column(
    live_bot: Playground, tmp_path: Path,
) -> None:
    db = live_bot.services.db
    seeded = await seed_branch(db, live_bot.clock.now(), members=2)
    person_id, tg = seeded.members[0]
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    member = live_bot.emu.user(tg, "An")
    await member.ask("/help")
    await secretary.ask("/help")
    services = live_bot.services
    officer = await resolve_actor(db, seeded.secretary[1], [])
    membership_id = await db.fetch_value(
        "SELECT id FROM memberships WHERE person_id = ?", (person_id,))
    assert isinstance(membership_id, int)
    # The secretary corrects the record: the audit keeps old → new.
    await correct_field(services, officer, membership_id, "phone", PHONE, "vi")
    await correct_field(services, officer, membership_id, "birth_date", BIRTH, "vi")
    # An absence with its reason.
    await secretary.ask("/meeting 05/12/2026 19:30 | Hội trường | Tháng 12")
    await live_bot.settle()
    await tap(member, "❌ Vắng (có lý do)")
    await member.next_message()
    await member.ask(REASON)
    # A household problem, alerted to the officers through the outbox.
    async with db.transaction() as conn:
        household_id = await households.add(conn, unit_id=seeded.branch_id,
                                             head_name="Nguyễn Văn Hộ",
                                             name_key="nguyễn văn hộ", now=live_bot.clock.now())
    await duty_assignments.assign(services, officer, household_id, person_id)
    reporter = await resolve_actor(db, tg, [])
    await duty_reports.report(services, reporter, household_id, current_period(services),
                              "problem", NOTE)
    await live_bot.settle()
    columns = await text_columns(db)
    before = await _holding(live_bot, columns)
    assert {c for c, _ in before} >= {("outbox", "payload"), ("audit_log", "detail"),
                                      ("duty_reports", "note"), ("invitations", "reason"),
                                      ("people", "phone")}, before

    config = tmp_path / "operator.toml"
    config.write_text(f"[database]\n{database_line(live_bot)}\n", encoding="utf-8")
    await cli("member", "erase", "--person", str(person_id), "--yes", "--config", str(config))

    assert await _holding(live_bot, columns) == []
    erased = await db.fetch_all(
        "SELECT actor_id, unit_id, detail FROM audit_log WHERE action = 'person.erase'")
    assert [tuple(r) for r in erased] == [
        (0, seeded.branch_id, f"person {person_id} (command line)")]
    assert await db.fetch_value("SELECT COUNT(*) FROM user_prefs WHERE telegram_user_id = ?",
                                (tg,)) == 0


async def _holding(live_bot: Playground, columns: list[tuple[str, str]]
                   ) -> list[tuple[tuple[str, str], str]]:
    """(column, secret) for each column of each table still holding one of the secrets."""
    found = []
    for table, column in columns:
        values = await live_bot.services.db.fetch_all(
            f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")
        for secret in SECRETS:
            if any(secret in str(v[0]) for v in values):
                found.append(((table, column), secret))
    return found


async def test_every_read_of_a_persons_data_is_audited_with_actor_and_unit(
    live_bot: Playground, tmp_path: Path,
) -> None:
    db = live_bot.services.db
    seeded = await seed_branch(db, live_bot.clock.now(), members=2)
    person_id, _ = seeded.members[0]
    config = tmp_path / "operator.toml"
    config.write_text(f"[database]\n{database_line(live_bot)}\n", encoding="utf-8")
    for _ in range(2):
        await cli("member", "export", "--person", str(person_id), "--config", str(config))
    exports = await db.fetch_all(
        "SELECT actor_id, unit_id, detail FROM audit_log WHERE action = 'person.export'")
    assert [tuple(r) for r in exports] == [
        (0, seeded.branch_id, f"person {person_id} (command line)")] * 2
    # An officer opening a member's card (phone, birth date) is a read too.
    secretary = live_bot.emu.user(seeded.secretary[1], "Bí thư")
    await secretary.ask("/members")
    await tap(secretary, "Đảng viên Số 001")
    views = await db.fetch_all(
        "SELECT actor_id, unit_id, detail FROM audit_log WHERE action = 'member.view'")
    assert [tuple(r) for r in views] == [
        (seeded.secretary[1], seeded.branch_id, f"person {person_id}")]
    # So is reading a meeting's answers, which show the absence reasons.
    await secretary.ask("/meeting 05/12/2026 19:30 | Hội trường | Tháng 12")
    await live_bot.settle()
    meeting_id = await db.fetch_value("SELECT id FROM meetings")
    officer = await resolve_actor(db, seeded.secretary[1], [])
    await officer_invitations(live_bot.services, officer, meeting_id)
    answers = await db.fetch_all(
        "SELECT actor_id, unit_id, detail FROM audit_log WHERE action = 'meeting.answers'")
    assert [tuple(r) for r in answers] == [
        (seeded.secretary[1], seeded.branch_id, f"meeting {meeting_id}")]
