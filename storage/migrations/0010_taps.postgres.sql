-- Reports computed once per question: see 0010_taps.sql. On PostgreSQL the
-- version is a sequence, bumped once per statement: concurrent writers never wait on it
-- (a counter row would serialise every answer to an invitation on its lock).
CREATE SEQUENCE figures_version;
CREATE VIEW data_version AS SELECT 'figures'::text AS name, last_value AS version
    FROM figures_version;
CREATE FUNCTION bump_figures_version() RETURNS trigger LANGUAGE plpgsql AS
    'BEGIN PERFORM nextval(''figures_version''); RETURN NULL; END';
CREATE TRIGGER figures_units AFTER INSERT OR UPDATE OR DELETE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION bump_figures_version();
CREATE TRIGGER figures_people AFTER INSERT OR UPDATE OR DELETE ON people
    FOR EACH STATEMENT EXECUTE FUNCTION bump_figures_version();
CREATE TRIGGER figures_memberships AFTER INSERT OR UPDATE OR DELETE ON memberships
    FOR EACH STATEMENT EXECUTE FUNCTION bump_figures_version();
CREATE TRIGGER figures_committee_officers AFTER INSERT OR UPDATE OR DELETE ON committee_officers
    FOR EACH STATEMENT EXECUTE FUNCTION bump_figures_version();
CREATE TRIGGER figures_followers AFTER INSERT OR UPDATE OR DELETE ON followers
    FOR EACH STATEMENT EXECUTE FUNCTION bump_figures_version();
CREATE TRIGGER figures_meetings AFTER INSERT OR UPDATE OR DELETE ON meetings
    FOR EACH STATEMENT EXECUTE FUNCTION bump_figures_version();
CREATE TRIGGER figures_invitations AFTER INSERT OR UPDATE OR DELETE ON invitations
    FOR EACH STATEMENT EXECUTE FUNCTION bump_figures_version();
CREATE TRIGGER figures_attendance AFTER INSERT OR UPDATE OR DELETE ON attendance
    FOR EACH STATEMENT EXECUTE FUNCTION bump_figures_version();
CREATE TRIGGER figures_households AFTER INSERT OR UPDATE OR DELETE ON households
    FOR EACH STATEMENT EXECUTE FUNCTION bump_figures_version();
CREATE TRIGGER figures_assignments AFTER INSERT OR UPDATE OR DELETE ON assignments
    FOR EACH STATEMENT EXECUTE FUNCTION bump_figures_version();
CREATE TRIGGER figures_duty_reports AFTER INSERT OR UPDATE OR DELETE ON duty_reports
    FOR EACH STATEMENT EXECUTE FUNCTION bump_figures_version();
CREATE TRIGGER figures_dues AFTER INSERT OR UPDATE OR DELETE ON dues
    FOR EACH STATEMENT EXECUTE FUNCTION bump_figures_version();
