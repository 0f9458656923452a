-- Imports that finish or resume. An invite created by a list import is
-- undelivered (1) until the file of links reached the officer (0); an officer told that
-- the bot stopped before sending it is 2. Links of other paths are shown as they are made.
ALTER TABLE invites ADD COLUMN undelivered INTEGER NOT NULL DEFAULT 0;
