-- Leave and return: a person removed or moved away who comes back keeps the
-- same person record and gets a new membership period in the branch, so the branch may
-- hold several periods of one person; only one of them may be open (active) at a time.
-- SQLite cannot drop a table constraint: the table is rebuilt without UNIQUE
-- (person_id, unit_id). Nothing references memberships(id).
CREATE TABLE memberships_periods (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES people(id),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    role          TEXT NOT NULL DEFAULT 'member'
                  CHECK (role IN ('member', 'secretary', 'deputy', 'committee_member')),
    admitted_on   TEXT,
    official_on   TEXT,
    is_away       INTEGER NOT NULL DEFAULT 0,
    is_exempt     INTEGER NOT NULL DEFAULT 0,
    is_213        INTEGER NOT NULL DEFAULT 0,
    state         TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'transferred', 'left')),
    joined_at     TEXT NOT NULL,
    ended_at      TEXT
);
INSERT INTO memberships_periods (id, person_id, unit_id, role, admitted_on, official_on,
    is_away, is_exempt, is_213, state, joined_at, ended_at)
SELECT id, person_id, unit_id, role, admitted_on, official_on, is_away, is_exempt, is_213,
    state, joined_at, ended_at FROM memberships;
DROP TABLE memberships;
ALTER TABLE memberships_periods RENAME TO memberships;
CREATE INDEX memberships_unit ON memberships(unit_id, state);
CREATE INDEX memberships_person ON memberships(person_id, unit_id);
CREATE UNIQUE INDEX memberships_open ON memberships(person_id, unit_id) WHERE state = 'active';
