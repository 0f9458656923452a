-- Reports computed once per question: a version of the data the figures are
-- computed from, bumped by every write to those tables. A report's pages are kept for
-- its paging session under this version: a write in between makes the next page a new
-- computation. Kept here, in one place, rather than in each write.
CREATE TABLE data_version (
    name     TEXT PRIMARY KEY,
    version  INTEGER NOT NULL
);
INSERT INTO data_version (name, version) VALUES ('figures', 0);
CREATE TRIGGER figures_units_insert AFTER INSERT ON units BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_units_update AFTER UPDATE ON units BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_units_delete AFTER DELETE ON units BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_people_insert AFTER INSERT ON people BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_people_update AFTER UPDATE ON people BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_people_delete AFTER DELETE ON people BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_memberships_insert AFTER INSERT ON memberships BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_memberships_update AFTER UPDATE ON memberships BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_memberships_delete AFTER DELETE ON memberships BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_committee_officers_insert AFTER INSERT ON committee_officers BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_committee_officers_update AFTER UPDATE ON committee_officers BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_committee_officers_delete AFTER DELETE ON committee_officers BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_followers_insert AFTER INSERT ON followers BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_followers_update AFTER UPDATE ON followers BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_followers_delete AFTER DELETE ON followers BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_meetings_insert AFTER INSERT ON meetings BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_meetings_update AFTER UPDATE ON meetings BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_meetings_delete AFTER DELETE ON meetings BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_invitations_insert AFTER INSERT ON invitations BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_invitations_update AFTER UPDATE ON invitations BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_invitations_delete AFTER DELETE ON invitations BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_attendance_insert AFTER INSERT ON attendance BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_attendance_update AFTER UPDATE ON attendance BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_attendance_delete AFTER DELETE ON attendance BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_households_insert AFTER INSERT ON households BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_households_update AFTER UPDATE ON households BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_households_delete AFTER DELETE ON households BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_assignments_insert AFTER INSERT ON assignments BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_assignments_update AFTER UPDATE ON assignments BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_assignments_delete AFTER DELETE ON assignments BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_duty_reports_insert AFTER INSERT ON duty_reports BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_duty_reports_update AFTER UPDATE ON duty_reports BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_duty_reports_delete AFTER DELETE ON duty_reports BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_dues_insert AFTER INSERT ON dues BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_dues_update AFTER UPDATE ON dues BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
CREATE TRIGGER figures_dues_delete AFTER DELETE ON dues BEGIN
    UPDATE data_version SET version = version + 1 WHERE name = 'figures';
END;
