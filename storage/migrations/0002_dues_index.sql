-- Reports read dues by branch and month; without this the whole table is scanned.
CREATE INDEX dues_unit_period ON dues(unit_id, period);
