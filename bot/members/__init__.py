"""Members and registration: invite links, member records and import, followers, dues, privacy."""
