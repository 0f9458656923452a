-- Updates kept until handled: each update is stored before Telegram is told
-- it arrived, and marked handled in the transaction that records its effect, so a crash
-- or a restart handles what was received and not yet handled, once.
ALTER TABLE inbound_updates ADD COLUMN payload TEXT;          -- the update as Telegram sent it
ALTER TABLE inbound_updates ADD COLUMN taken_by TEXT;         -- the worker handling it
ALTER TABLE inbound_updates ADD COLUMN handled_at REAL;       -- its effect committed (epoch s)
ALTER TABLE inbound_updates ADD COLUMN finished_at REAL;      -- its handler ended (epoch s)
UPDATE inbound_updates SET handled_at = taken_at, finished_at = taken_at;
CREATE INDEX inbound_updates_open ON inbound_updates(update_id) WHERE finished_at IS NULL;
