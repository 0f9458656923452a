-- Several workers sharing one database. Instants here are real time in epoch
-- seconds (REAL): they pace Telegram and tell live workers from dead ones.

-- Every running worker, and when it last said it was alive.
CREATE TABLE workers (
    id          TEXT PRIMARY KEY,        -- host:pid:random
    started_at  REAL NOT NULL,
    seen_at     REAL NOT NULL
);

-- One holder at a time: 'poller' (Telegram refuses two getUpdates callers).
CREATE TABLE leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    expires_at  REAL NOT NULL
);

-- The shared sending budget: the theoretical arrival time of the next turn, per key
-- ('global', or 'chat:<id>').
CREATE TABLE send_pace (
    pace_key  TEXT PRIMARY KEY,
    tat       REAL NOT NULL
);

-- Updates already taken by a worker: a redelivered update (a new poller, a retried
-- webhook) is not handled twice.
CREATE TABLE inbound_updates (
    update_id  INTEGER PRIMARY KEY,
    taken_at   REAL NOT NULL
);
CREATE INDEX inbound_updates_taken ON inbound_updates(taken_at);

-- Which worker is sending a row in 'sending': a dead worker's rows are sent again.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
