-- The life of a branch as it really goes (the flows): a closed roll call
-- reopened for a correction, meetings entered after the fact, and guests.

-- While a closed roll call is reopened for a correction: why (asked of the officer). Every
-- change made under it is audited with this reason; closing again clears it.
ALTER TABLE meetings ADD COLUMN correction_reason TEXT;

-- 1: the meeting took place before the bot was used and was entered afterwards
-- (no invitations, no reminders); the audit log holds who entered it and when.
ALTER TABLE meetings ADD COLUMN entered_later INTEGER NOT NULL DEFAULT 0;

-- People who are not members of the branch, invited to ONE meeting (an outstanding
-- candidate, a representative of a mass organisation, a committee guest). Never counted in
-- party figures; at the roll call they are present or "không dự".
CREATE TABLE guests (
    id                INTEGER PRIMARY KEY,
    meeting_id        INTEGER NOT NULL REFERENCES meetings(id),
    full_name         TEXT NOT NULL,
    note              TEXT,                     -- who they are ("quần chúng ưu tú", ...)
    telegram_user_id  INTEGER,                  -- bound by opening the personal guest link
    token_hash        TEXT UNIQUE,              -- the personal guest link, hashed
    answer            TEXT CHECK (answer IN ('attend', 'absent')),
    present           INTEGER,                  -- NULL until the roll call, then 1 or 0
    added_by          INTEGER REFERENCES people(id),
    added_at          TEXT NOT NULL
);
CREATE INDEX guests_meeting ON guests(meeting_id);
