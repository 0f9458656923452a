-- The language a Zalo user chose by text ("english" / "tieng viet"), per Zalo account:
-- it holds before the account is linked (the code prompt) and for a person with no
-- Telegram account. For a person on both channels it is kept in step with user_prefs
-- (storage/prefs.py): one language per person, whichever channel it was chosen on.
CREATE TABLE zalo_prefs (
    zalo_user_id TEXT PRIMARY KEY,
    language     TEXT NOT NULL CHECK (language IN ('vi', 'en'))
);
