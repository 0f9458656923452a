-- Meetings as they really happen: the actual start and end taken at the roll
-- call (meetings.ended_at, already in 0001, is the actual end), the chair and the
-- secretary of the minutes, answers recorded by an officer on a member's behalf, late
-- arrivals, and documents sent ahead of a meeting.
ALTER TABLE meetings ADD COLUMN held_from TEXT;          -- actual start, from the roll call
ALTER TABLE meetings ADD COLUMN chair_id INTEGER REFERENCES people(id);
ALTER TABLE meetings ADD COLUMN secretary_id INTEGER REFERENCES people(id);

-- NULL: the member answered; else the officer (person) who recorded the answer for them.
ALTER TABLE invitations ADD COLUMN recorded_by INTEGER REFERENCES people(id);

ALTER TABLE attendance ADD COLUMN late INTEGER NOT NULL DEFAULT 0;

-- Documents attached to a meeting (Telegram file ids: the bot forwards, never stores bytes).
CREATE TABLE meeting_documents (
    id          INTEGER PRIMARY KEY,
    meeting_id  INTEGER NOT NULL REFERENCES meetings(id),
    file_id     TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    media       TEXT NOT NULL DEFAULT 'document' CHECK (media IN ('document', 'photo')),
    size_bytes  INTEGER,
    added_by    INTEGER REFERENCES people(id),
    added_at    TEXT NOT NULL
);
CREATE INDEX meeting_documents_meeting ON meeting_documents(meeting_id);
