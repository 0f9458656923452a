-- Leave and return: several membership periods of one person in a branch,
-- only one of them open (active) at a time.
ALTER TABLE memberships DROP CONSTRAINT memberships_person_id_unit_id_key;
CREATE INDEX memberships_person ON memberships(person_id, unit_id);
CREATE UNIQUE INDEX memberships_open ON memberships(person_id, unit_id) WHERE state = 'active';
