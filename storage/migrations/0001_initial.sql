-- chibo schema, version 1: units, people, meetings, attendance, households, dues.
-- Instants are UTC ISO-8601 text ("2026-12-05T12:30:00+00:00"); calendar dates are "YYYY-MM-DD";
-- months are "YYYY-MM". Booleans are 0/1 integers.

-- Organisation: committees (đảng ủy cơ sở) and branches (chi bộ) in a tree.
CREATE TABLE units (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('committee', 'branch')),
    name            TEXT NOT NULL,
    parent_id       INTEGER REFERENCES units(id),
    group_chat_id   INTEGER,               -- linked Telegram group (announcements only)
    schedule_rule   TEXT,                  -- JSON of the regular-meeting rule, NULL = none
    default_place   TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);

-- A person; bound to at most one Telegram account.
CREATE TABLE people (
    id                INTEGER PRIMARY KEY,
    full_name         TEXT NOT NULL,       -- NFC
    name_key          TEXT NOT NULL,       -- NFC + casefold, for lookups
    birth_date        TEXT,
    phone             TEXT,
    telegram_user_id  INTEGER UNIQUE,
    unreachable_since TEXT,                -- set on a permanent delivery error
    unreachable_reason TEXT,
    created_at        TEXT NOT NULL,
    erased_at         TEXT                 -- personal data erased on request
);
CREATE INDEX people_name_key ON people(name_key);

-- Per Telegram account preferences (also for people not registered yet).
CREATE TABLE user_prefs (
    telegram_user_id INTEGER PRIMARY KEY,
    language         TEXT NOT NULL CHECK (language IN ('vi', 'en'))
);

-- Membership of a person in a branch (nơi sinh hoạt, or a "213" contact branch).
CREATE TABLE memberships (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES people(id),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    role          TEXT NOT NULL DEFAULT 'member'
                  CHECK (role IN ('member', 'secretary', 'deputy', 'committee_member')),
    admitted_on   TEXT,                    -- ngày vào Đảng (kết nạp)
    official_on   TEXT,                    -- ngày chính thức; NULL = probationary
    is_away       INTEGER NOT NULL DEFAULT 0,
    is_exempt     INTEGER NOT NULL DEFAULT 0,
    is_213        INTEGER NOT NULL DEFAULT 0,
    state         TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'transferred', 'left')),
    joined_at     TEXT NOT NULL,
    ended_at      TEXT,
    UNIQUE (person_id, unit_id)
);
CREATE INDEX memberships_unit ON memberships(unit_id, state);

-- Committee-level officer roles (thường trực / ủy viên đảng ủy).
CREATE TABLE committee_officers (
    person_id  INTEGER NOT NULL REFERENCES people(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    role       TEXT NOT NULL CHECK (role IN ('standing', 'member')),
    since      TEXT NOT NULL,
    PRIMARY KEY (person_id, unit_id)
);

-- Committee members assigned to follow a branch (cấp ủy viên phụ trách chi bộ).
CREATE TABLE followers (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    since      TEXT NOT NULL,
    until      TEXT
);
CREATE INDEX followers_unit ON followers(unit_id);

-- Personal one-time invite links; only a hash of the token is stored.
CREATE TABLE invites (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    role        TEXT NOT NULL DEFAULT 'member',
    created_by  INTEGER REFERENCES people(id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    used_by     INTEGER,                    -- Telegram user id that redeemed it
    revoked_at  TEXT
);
CREATE INDEX invites_person ON invites(person_id);

-- Meetings of a branch.
CREATE TABLE meetings (
    id            INTEGER PRIMARY KEY,
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    kind          TEXT NOT NULL CHECK (kind IN ('regular', 'thematic', 'combined', 'extraordinary')),
    starts_at     TEXT NOT NULL,
    duration_min  INTEGER NOT NULL DEFAULT 90,
    place         TEXT,
    agenda        TEXT,                     -- agenda, or the topic of a thematic meeting
    state         TEXT NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'cancelled', 'closed')),
    auto_month    TEXT,                     -- "YYYY-MM" when created by the schedule rule
    created_by    INTEGER REFERENCES people(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    closed_at     TEXT,
    ended_at      TEXT,                     -- actual end, if recorded
    UNIQUE (unit_id, auto_month)
);
CREATE INDEX meetings_unit_start ON meetings(unit_id, starts_at);

-- Who is invited to a meeting and what they answered.
CREATE TABLE invitations (
    meeting_id    INTEGER NOT NULL REFERENCES meetings(id),
    person_id     INTEGER NOT NULL REFERENCES people(id),
    capacity      TEXT NOT NULL DEFAULT 'member' CHECK (capacity IN ('member', 'follower')),
    standing      TEXT,                     -- 'away' | 'exempt' | '213' | NULL at invitation time
    answer        TEXT CHECK (answer IN ('attend', 'absent')),
    reason        TEXT,
    answered_at   TEXT,
    chat_id       INTEGER,                  -- where the invitation message lives (for edits)
    message_id    INTEGER,
    PRIMARY KEY (meeting_id, person_id)
);
CREATE INDEX invitations_person ON invitations(person_id);

-- Actual attendance recorded at roll call.
CREATE TABLE attendance (
    meeting_id   INTEGER NOT NULL REFERENCES meetings(id),
    person_id    INTEGER NOT NULL REFERENCES people(id),
    status       TEXT NOT NULL CHECK (status IN ('present', 'excused', 'unexcused')),
    reason       TEXT,
    recorded_by  INTEGER REFERENCES people(id),
    recorded_at  TEXT NOT NULL,
    PRIMARY KEY (meeting_id, person_id)
);

-- Households a branch follows.
CREATE TABLE households (
    id            INTEGER PRIMARY KEY,
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    head_name     TEXT NOT NULL,
    name_key      TEXT NOT NULL,
    hamlet        TEXT,                     -- thôn / tổ dân phố
    house_number  TEXT,
    address       TEXT,
    notes         TEXT,
    created_at    TEXT NOT NULL,
    removed_at    TEXT
);
CREATE INDEX households_unit ON households(unit_id);

-- Which member follows which household, with history.
CREATE TABLE assignments (
    id            INTEGER PRIMARY KEY,
    household_id  INTEGER NOT NULL REFERENCES households(id),
    person_id     INTEGER NOT NULL REFERENCES people(id),
    from_date     TEXT NOT NULL,
    to_date       TEXT
);
CREATE INDEX assignments_person ON assignments(person_id);
CREATE UNIQUE INDEX assignments_one_current ON assignments(household_id) WHERE to_date IS NULL;

-- Monthly reports on households.
CREATE TABLE duty_reports (
    household_id  INTEGER NOT NULL REFERENCES households(id),
    period        TEXT NOT NULL,            -- "YYYY-MM"
    person_id     INTEGER NOT NULL REFERENCES people(id),
    status        TEXT NOT NULL CHECK (status IN ('normal', 'problem')),
    note          TEXT,
    reported_at   TEXT NOT NULL,
    PRIMARY KEY (household_id, period)
);
CREATE INDEX duty_reports_person ON duty_reports(person_id, period);

-- Party dues (đảng phí) per member and month.
CREATE TABLE dues (
    person_id    INTEGER NOT NULL REFERENCES people(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    period       TEXT NOT NULL,             -- "YYYY-MM"
    amount       INTEGER,                   -- VND
    paid_at      TEXT NOT NULL,
    recorded_by  INTEGER REFERENCES people(id),
    PRIMARY KEY (person_id, unit_id, period)
);

-- Every message the bot sends on its own initiative is a row here first.
CREATE TABLE outbox (
    id                  INTEGER PRIMARY KEY,
    business_key        TEXT NOT NULL UNIQUE,
    chat_id             INTEGER NOT NULL,
    person_id           INTEGER REFERENCES people(id),
    unit_id             INTEGER REFERENCES units(id),
    kind                TEXT NOT NULL,      -- invite, remind, nudge, duty, alert, broadcast, ...
    method              TEXT NOT NULL DEFAULT 'send' CHECK (method IN ('send', 'edit')),
    payload             TEXT NOT NULL,      -- JSON: text, buttons, edit target
    state               TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    attempts            INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     TEXT NOT NULL,
    stale_after         TEXT,               -- not worth sending after this instant
    last_error          TEXT,
    possible_duplicate  INTEGER NOT NULL DEFAULT 0,
    message_id          INTEGER,
    created_at          TEXT NOT NULL,
    sent_at             TEXT
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);

-- Who did or read what (report views, exports, officer actions).
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor_id   INTEGER,                     -- Telegram user id (or NULL for the command line)
    unit_id    INTEGER REFERENCES units(id),
    action     TEXT NOT NULL,
    detail     TEXT
);
CREATE INDEX audit_log_unit ON audit_log(unit_id, at);

-- What a person is expected to type next (an absence reason, a household note, ...).
-- Kept in the database so a restart does not forget a half-finished answer.
CREATE TABLE pending_inputs (
    telegram_user_id  INTEGER PRIMARY KEY,
    kind              TEXT NOT NULL,
    data              TEXT NOT NULL,        -- JSON
    created_at        TEXT NOT NULL
);

-- One-shot marks for periodic checks ("quarter check for 2026-Q4 done").
CREATE TABLE marks (
    key      TEXT PRIMARY KEY,
    done_at  TEXT NOT NULL
);
