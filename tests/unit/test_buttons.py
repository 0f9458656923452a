"""Every button family's codec: round trips, the 64-byte limit at maximal field values,
and forged data refused (with ``BadButton``, never another error)."""

from __future__ import annotations

import string
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.callbacks import MAX_BYTES, BadButton, Codec
from bot.duties.buttons import (
    AssignDone,
    AssignHouseholdMembers,
    AssignHouseholds,
    AssignMembers,
    AssignMenu,
    AssignTick,
    AssignTicks,
    AssignTo,
    BranchHouseholds,
    BranchHouseholdsAction,
    DutyButton,
    DutyPage,
    HouseholdAction,
    HouseholdButton,
    HouseholdEdit,
    HouseholdPage,
)
from bot.duties.fields import HOUSEHOLD_FIELDS
from bot.imports.buttons import ImportButton
from bot.meetings.buttons import (
    MEETING_KINDS,
    AnswerForAction,
    GuestButton,
    GuestRsvpButton,
    MeetingAction,
    MeetingAnswerFor,
    MeetingAnswers,
    MeetingButton,
    MeetingKindButton,
    PastMeetingButton,
    RollcallAction,
    RollcallButton,
    RollcallGuest,
    RollcallPage,
    RollcallToggle,
    RsvpButton,
)
from bot.members.buttons import (
    RECORD_CODES,
    AppointButton,
    DuesButton,
    DuesMonth,
    DuesYear,
    FollowButton,
    JoinButton,
    MemberAction,
    MemberButton,
    MemberEditField,
    MemberFlag,
    MemberMoveTo,
    MemberPage,
    MemberSetRole,
    NewUnitButton,
    PrivacyButton,
)
from bot.members.registration import BRANCH_ROLES
from bot.members.service import FLAGS
from bot.reports.buttons import (
    ASKED,
    TURNED,
    DutiesReportPage,
    MemberReport,
    ReportButton,
    ReportCode,
    YearReport,
)

BIG = 10**12 - 1  # the largest id a button carries (12 digits)
TOKEN = "A" * 40  # the longest token

ids = st.integers(0, BIG)
tokens = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=40)
months = st.builds(lambda y, m: f"{y:04d}{m:02d}", st.integers(0, 9999), st.integers(1, 12))
digits6 = st.from_regex(r"[0-9]{6}", fullmatch=True)
scopes = st.builds(lambda kind, n: f"{kind}{n}", st.sampled_from("bc"), ids)
ASSIGN = {AssignMenu: 1, AssignMembers: 2, AssignTicks: 3, AssignTick: 4, AssignDone: 2,
          AssignHouseholds: 2, AssignHouseholdMembers: 2, AssignTo: 2}


years = st.from_regex(r"[0-9]{4}", fullmatch=True)
# Each report's argument, as its family carries it (none for probation and the menu).
REPORT_ARGUMENTS: dict[ReportCode, st.SearchStrategy[object]] = {
    ReportCode.MEETING: ids, ReportCode.YEAR: years, ReportCode.BRANCHES: years,
    ReportCode.EXPORT: years, ReportCode.DUTIES: months,
    ReportCode.MEMBER: st.builds(lambda p, y: f"{p}-{y}" if y else str(p), ids,
                                 st.none() | years),
}


def report(codec: type[ReportButton], code: ReportCode) -> st.SearchStrategy[Codec]:
    argument = REPORT_ARGUMENTS.get(code)
    if argument is None:
        return st.builds(codec, scopes, ids)
    return st.builds(codec, scopes, ids, st.none() | argument)


STRATEGIES: dict[type[Codec], st.SearchStrategy[Codec]] = {
    JoinButton: st.builds(JoinButton, tokens),
    NewUnitButton: st.just(NewUnitButton("committee"))
    | st.builds(NewUnitButton, st.just("branch"), st.none() | ids),
    AppointButton: st.builds(AppointButton, ids),
    MemberButton: st.builds(MemberButton, st.sampled_from(list(MemberAction)), ids),
    MemberPage: st.builds(MemberPage, ids, ids),
    MemberFlag: st.builds(MemberFlag, ids, st.sampled_from(FLAGS)),
    MemberSetRole: st.builds(MemberSetRole, ids, st.sampled_from(BRANCH_ROLES)),
    MemberMoveTo: st.builds(MemberMoveTo, ids, ids),
    MemberEditField: st.builds(MemberEditField, ids, st.sampled_from(RECORD_CODES)),
    DuesButton: st.builds(DuesButton, ids),
    DuesYear: st.builds(DuesYear, ids, st.from_regex(r"[0-9]{4}", fullmatch=True)),
    DuesMonth: st.builds(DuesMonth, ids, digits6),
    PrivacyButton: st.builds(PrivacyButton, st.just("x"), ids),
    FollowButton: st.builds(FollowButton, st.just("b"), ids)
    | st.builds(FollowButton, st.just("p"), ids, ids),
    RsvpButton: st.builds(RsvpButton, ids, st.sampled_from(["y", "n"])),
    MeetingButton: st.builds(MeetingButton, st.sampled_from(list(MeetingAction)), ids),
    MeetingAnswers: st.builds(MeetingAnswers, ids, ids),
    MeetingAnswerFor: st.builds(MeetingAnswerFor, st.sampled_from(list(AnswerForAction)),
                                ids, ids),
    MeetingKindButton: st.builds(MeetingKindButton, st.sampled_from(MEETING_KINDS)),
    PastMeetingButton: st.builds(PastMeetingButton, st.sampled_from(["y", "n"])),
    GuestButton: st.builds(GuestButton, ids),
    GuestRsvpButton: st.builds(GuestRsvpButton, ids, st.sampled_from(["y", "n"])),
    RollcallButton: st.builds(RollcallButton, st.sampled_from(list(RollcallAction)), ids),
    RollcallPage: st.builds(RollcallPage, ids, ids),
    RollcallToggle: st.builds(RollcallToggle, ids, ids, st.none() | ids),
    RollcallGuest: st.builds(RollcallGuest, ids, ids),
    DutyButton: st.builds(DutyButton, ids, months, st.sampled_from(["ok", "pb"])),
    DutyPage: st.builds(DutyPage, ids, months),
    HouseholdButton: st.builds(HouseholdButton, st.sampled_from(list(HouseholdAction)), ids),
    BranchHouseholds: st.builds(BranchHouseholds,
                                st.sampled_from(list(BranchHouseholdsAction)), ids),
    HouseholdPage: st.builds(HouseholdPage, ids, ids),
    HouseholdEdit: st.builds(HouseholdEdit, ids, st.sampled_from(HOUSEHOLD_FIELDS)),
    **{family: st.builds(family, *[ids] * n) for family, n in ASSIGN.items()},
    **{family: report(family, code) for code, family in ASKED.items()},
    **{family: report(family, code) for code, family in TURNED.items()},
    ImportButton: st.builds(ImportButton, st.sampled_from(["ok", "no"]), tokens),
}

# The widest button of each family: every field at its longest.
WIDEST: list[Codec] = [
    JoinButton(TOKEN), NewUnitButton("committee"), NewUnitButton("branch", BIG),
    AppointButton(BIG),
    *[MemberButton(a, BIG) for a in MemberAction], MemberPage(BIG, BIG),
    MemberFlag(BIG, max(FLAGS, key=len)), MemberSetRole(BIG, max(BRANCH_ROLES, key=len)),
    MemberMoveTo(BIG, BIG), MemberEditField(BIG, "n"),
    DuesButton(BIG), DuesYear(BIG, "9999"), DuesMonth(BIG, "999912"), PrivacyButton("x", BIG),
    FollowButton("p", BIG, BIG),
    RsvpButton(BIG, "y"),
    *[MeetingButton(a, BIG) for a in MeetingAction], MeetingAnswers(BIG, BIG),
    *[MeetingAnswerFor(a, BIG, BIG) for a in AnswerForAction],
    MeetingKindButton("extraordinary"), PastMeetingButton("y"), GuestButton(BIG),
    GuestRsvpButton(BIG, "n"),
    *[RollcallButton(a, BIG) for a in RollcallAction], RollcallPage(BIG, BIG),
    RollcallToggle(BIG, BIG, BIG), RollcallGuest(BIG, BIG),
    DutyButton(BIG, "999912", "pb"), DutyPage(BIG, "999912"),
    HouseholdButton(HouseholdAction.REMOVE_YES, BIG), HouseholdPage(BIG, BIG),
    BranchHouseholds(BranchHouseholdsAction.ADD, BIG),
    HouseholdEdit(BIG, max(HOUSEHOLD_FIELDS, key=len)),
    *[family(*[BIG] * n) for family, n in ASSIGN.items()],
    *[family.of(f"c{BIG}", BIG, f"{BIG}-9999" if code is ReportCode.MEMBER else str(BIG))
      for families_of in (ASKED, TURNED) for code, family in families_of.items()],
    ImportButton("ok", TOKEN),
]


def families() -> set[type[Codec]]:
    return {c for c in Codec.families.values() if c.__module__.startswith("bot.")}


def test_every_family_is_covered_here() -> None:
    assert families() == set(STRATEGIES)
    assert families() == {type(b) for b in WIDEST}


@settings(max_examples=400)
@given(st.one_of(*STRATEGIES.values()))
def test_every_button_survives_the_round_trip(button: Codec) -> None:
    data = button.encode()
    assert len(data.encode()) <= MAX_BYTES
    assert data.startswith(button.PREFIX + ":")
    decoded = type(button).decode(data)
    assert decoded == button and type(decoded) is type(button)
    # families sharing a prefix (one per action) never take each other's buttons
    assert [c for c in families() if c.matches(data)] == [type(button)]


@pytest.mark.parametrize("button", WIDEST, ids=lambda b: b.encode()[:20])
def test_the_widest_button_of_each_family_fits_in_64_bytes(button: Codec) -> None:
    data = button.encode()
    assert len(data.encode()) <= MAX_BYTES, data
    assert type(button).decode(data) == button


def test_the_wire_format_is_the_one_buttons_already_sent_carry() -> None:
    """Reminders and invitations sent before this version keep working."""
    assert RsvpButton(12, "n").encode() == "rsvp:12:n"
    assert DutyButton.of(7, "2026-12", "ok").encode() == "duty:7:202612:ok"
    assert MeetingButton(MeetingAction.NUDGE, 3).encode() == "mt:nudge:3"
    assert MeetingAnswers(3, 1).encode() == "mt:ans:3:1"
    assert MeetingAnswerFor(AnswerForAction.ABSENT, 3, 9).encode() == "mt:afn:3:9"
    assert RollcallToggle.decode("rc:t:3:9") == RollcallToggle(3, 9)
    assert RollcallToggle(3, 9, 2).encode() == "rc:t:3:9:2"
    assert RollcallPage(3, 2).encode() == "rc:p:3:2"
    assert RollcallGuest(3, 4).encode() == "rc:g:3:4"
    assert RollcallButton(RollcallAction.CLOSE_YES, 3).encode() == "rc:cy:3"
    assert MemberFlag(5, "213").encode() == "mem:f:5:213"
    assert MemberPage(2, 0).encode() == "mem:p:2:0"
    assert MemberButton(MemberAction.OPEN, 7).encode() == "mem:o:7"
    assert MemberSetRole(7, "deputy").encode() == "mem:rs:7:deputy"
    assert MemberMoveTo(7, 3).encode() == "mem:mt:7:3"
    assert MemberEditField(7, "b").encode() == "mem:ef:7:b"
    assert AssignTick(1, 2, 3, 0).encode() == "asg:x:1:2:3:0"
    assert AssignMenu(5).encode() == "asg:menu:5"
    assert HouseholdEdit(4, "head").encode() == "hh:e:4:head"
    assert HouseholdPage(4, 1).encode() == "hh:p:4:1"
    assert BranchHouseholds(BranchHouseholdsAction.ADD, 4).encode() == "hh:add:4"
    assert HouseholdButton(HouseholdAction.OPEN, 4).encode() == "hh:o:4"
    assert DutyPage.of(2, "2026-12").encode() == "duty:2:202612:pg"
    assert DutiesReportPage("b1", 2, "202612").encode() == "rq:d:b1:2:202612"
    assert YearReport("c3", 0).encode() == "rp:y:c3:0"
    assert MemberReport("b1", 0, "12-2025").encode() == "rp:u:b1:0:12-2025"
    assert JoinButton(JoinButton.DECLINE).encode() == "join:no"
    assert NewUnitButton("branch", 9).encode() == "nu:branch:9"
    assert DuesMonth(8, "202611").encode() == "due:t:8:202611"
    assert DuesMonth.decode("due:t:8:202611").period == "2026-11"
    assert DuesButton(8).encode() == "due:o:8"
    assert DuesYear(8, "2025").encode() == "due:y:8:2025"
    assert DutyButton.decode("duty:7:202612:pb").status == "problem"


OVERLONG = ["asg:x:" + ":".join(["1" * 12] * 5), "rsvp:1:y" + " " * 60, "mem:o:" + "1" * 70,
            "join:" + "A" * 60]
FORGED = [
    # wrong prefix, or none
    "", ":", "rsvp", "rsvp:", "RSVP:1:y", " rsvp:1:y", "rsvpx:1:y", "rsv:1:y", "mem:1:y",
    # missing, extra or empty parts
    "rsvp:1", "rsvp:1:y:", "rsvp:1:y:1", "rsvp::y", "rsvp:1::y", "mem:o", "mem:o:1:2",
    "mem:p:1", "mem:f:1", "mem:rs:1", "mem:mt:1", "asg:x:1:2:3", "asg:x:1:2:3:4:5",
    "asg:menu", "rc:t:1", "rc:o:1:2", "fl:p:1", "fl:b:1:2", "due:o:1:202611", "due:t:1",
    "nu:committee:1", "nu:branch:", "duty:1:202612", "duty:1:202612:ok:1", "imp:ok",
    "rp:y:b1", "rq:y:b1:0:2026:1", "join:", "join:a:b", "prv:x", "hh:e:1", "hh:o:1:2",
    # not numbers, numbers as str(int) would not write them, over 12 digits
    "rsvp:x:y", "rsvp:-1:y", "rsvp:+1:y", "rsvp:01:y", "rsvp:1.0:y", "rsvp:1e3:y",
    "rsvp: 1:y", "rsvp:١:y", "rsvp:²:y", "rsvp:1234567890123:y", "mem:p:1:x", "mem:p:1:-1",
    "asg:m:1:a", "rc:t:1:x", "hh:p:1:01",
    # choices that do not exist
    "rsvp:1:yes", "rsvp:1:Y", "mem:zz:1", "mem:f:1:awayy", "mem:f:1:AWAY", "mem:rs:1:admin",
    "mt:nudgee:1", "mt:rm:1", "rc:x:1", "due:x:1", "prv:y:1", "imp:yes:abc", "hh:e:1:name",
    "asg:zz:1", "nu:unit", "rp:z:b1:0", "rp:y:x1:0", "rp:y:b:0", "rp:y:b1:0:abc",
    # months that are not months (the dues month is only 6 digits: the domain says more)
    "duty:1:202613:ok", "duty:1:202600:ok", "duty:1:20261:ok", "duty:1:2026-12:ok",
    "due:t:1:20261", "due:t:1:2026-1",
    # tokens with what a token may not hold
    "join:" + "A" * 41, "join:a b", "join:a/b", "imp:ok:ab.cd", "join:ä",
    # over 64 bytes, however well formed the parts
    *OVERLONG,
]


def test_the_overlong_examples_are_over_64_bytes() -> None:
    assert all(len(data.encode()) > MAX_BYTES for data in OVERLONG)


@pytest.mark.parametrize("data", FORGED)
def test_forged_data_is_refused_by_every_family(data: str) -> None:
    for codec in families():
        with pytest.raises(BadButton):
            codec.decode(data)


@settings(max_examples=1500)
@given(st.one_of(
    st.text(max_size=80),
    st.builds(lambda prefix, parts: ":".join([prefix, *parts]),
              st.sampled_from(sorted(Codec.families)),
              st.lists(st.one_of(st.sampled_from(["0", "1", "01", "-1", "y", "n", "ok", "o",
                                                  "p", "t", "x", "away", "head", "b1",
                                                  "202612", "202613", "", " "]),
                                 st.text(max_size=4), ids.map(str)), max_size=6)),
))
def test_whatever_a_codec_accepts_encodes_back_to_the_same_data(data: str) -> None:
    accepted = 0
    for codec in families():
        try:
            button = codec.decode(data)
        except BadButton:
            continue
        accepted += 1
        assert button.encode() == data
    assert accepted <= 1  # the data names one family


def test_a_button_the_bot_would_refuse_cannot_be_built() -> None:
    with pytest.raises(ValueError):
        RsvpButton(-1, "y")
    with pytest.raises(ValueError):
        RsvpButton(10**12, "y")
    with pytest.raises(ValueError):
        MemberFlag(1, "nobody")
    with pytest.raises(ValueError):
        MemberSetRole(1, "admin")
    with pytest.raises(ValueError):
        AssignTick(1, 2, -3, 0)
    with pytest.raises(ValueError):
        JoinButton("not:a token")
    with pytest.raises(ValueError):
        DutyButton(1, "202613", "ok")


def test_encode_refuses_more_than_64_bytes() -> None:
    @dataclass(frozen=True)
    class Wide(Codec, prefix="test-wide"):
        first: str
        second: str

    assert Wide("a", "b").encode() == "test-wide:a:b"
    with pytest.raises(ValueError, match="over 64 bytes"):
        Wide("a" * 40, "b" * 40).encode()


def test_a_prefix_belongs_to_one_family() -> None:
    with pytest.raises(TypeError):
        @dataclass(frozen=True)
        class Impostor(Codec, prefix="rsvp"):
            meeting: int
    with pytest.raises(TypeError):
        @dataclass(frozen=True)
        class TaggedImpostor(Codec, prefix="asg", tag="x"):
            unit: int
