-- How many pieces of a row already went out: a Zalo message longer than 2,000 characters
-- is sent in pieces, and a retry resumes from the next one instead of repeating them.
ALTER TABLE outbox ADD COLUMN pieces_sent INTEGER NOT NULL DEFAULT 0;
