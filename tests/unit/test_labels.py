"""Every value a label table is looked up with has its text key: a record field the card,
the console and the correction prompt name (a missing one raised KeyError on "Sửa hồ sơ")."""

from __future__ import annotations

from bot.core import labels
from bot.members import records
from bot.members.buttons import RECORD_FIELDS
from bot.texts import CATALOGS


def test_every_editable_record_field_has_its_label_in_both_languages() -> None:
    assert set(records.EDITABLE) <= set(labels.RECORD_FIELD)
    assert set(RECORD_FIELDS.values()) <= set(labels.RECORD_FIELD)
    for key in labels.RECORD_FIELD.values():
        assert key in CATALOGS["vi"] and key in CATALOGS["en"]
