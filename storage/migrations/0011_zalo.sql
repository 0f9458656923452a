-- Members on Zalo: a second channel beside Telegram.

-- A person's Zalo account (Zalo ids are strings) and the channel they are reached on
-- (the one linked last; changed by "kenh telegram" / "kenh zalo").
ALTER TABLE people ADD COLUMN zalo_user_id TEXT;
ALTER TABLE people ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram'
    CHECK (channel IN ('telegram', 'zalo'));
CREATE UNIQUE INDEX people_zalo_user ON people(zalo_user_id);

-- Which sender takes a row: 'telegram' rows go to chat_id; 'zalo' rows to the person's
-- Zalo account (chat_id then holds the person id, only to keep one row per chat in flight).
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram';
CREATE INDEX outbox_channel_due ON outbox(channel, state, next_attempt_at);

-- One-use codes a member types to the Zalo bot ("Mã Zalo: XXXX-XXXX"); only a hash is
-- stored. With invite_id the code is the Zalo side of a personal invitation (using one
-- spends the other); without, it adds Zalo to a person already on Telegram (/zalo).
CREATE TABLE zalo_codes (
    id          INTEGER PRIMARY KEY,
    code_hash   TEXT NOT NULL UNIQUE,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    invite_id   INTEGER REFERENCES invites(id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    used_by     TEXT                        -- the Zalo user id that redeemed it
);
CREATE INDEX zalo_codes_invite ON zalo_codes(invite_id);

-- A code typed and shown, waiting for the member's "1" to confirm.
CREATE TABLE zalo_pending (
    zalo_user_id TEXT PRIMARY KEY,
    code_id      INTEGER NOT NULL REFERENCES zalo_codes(id),
    created_at   TEXT NOT NULL
);

-- Wrong codes typed, per Zalo user (guessing is rate-limited).
CREATE TABLE zalo_attempts (
    id           INTEGER PRIMARY KEY,
    zalo_user_id TEXT NOT NULL,
    at           TEXT NOT NULL
);
CREATE INDEX zalo_attempts_user ON zalo_attempts(zalo_user_id, at);

-- Events already handled: a redelivered event (a retried webhook) changes nothing.
CREATE TABLE zalo_events (
    event_id  TEXT PRIMARY KEY,
    taken_at  TEXT NOT NULL
);
