-- Records over time (docs/rules.md): every figure counts a meeting or a month only inside a
-- membership period (memberships.joined_at .. ended_at) and from the unit's record start.

-- The date from which a unit holds its record (ghi nhận từ), "YYYY-MM-DD" in local time.
-- Before it there is no data, never a missing meeting or a violation. By default the
-- first day of the month the unit was created.
ALTER TABLE units ADD COLUMN record_start TEXT;
UPDATE units SET record_start = substr(created_at, 1, 7) || '-01' WHERE record_start IS NULL;

-- Followers' presence is counted per person across the branches they follow.
CREATE INDEX followers_person ON followers(person_id, unit_id);
