"""Every value a screen shows in words has its words: a map of labels that misses one
value fails at the moment an officer opens that screen, so it is checked here."""

from __future__ import annotations

from bot.core import labels
from bot.members.buttons import RECORD_FIELDS
from bot.texts import CATALOGS


def test_every_record_field_an_officer_can_edit_has_a_label_in_both_languages() -> None:
    assert set(labels.RECORD_FIELD) == set(RECORD_FIELDS.values())
    for lang, catalog in CATALOGS.items():
        for key in labels.RECORD_FIELD.values():
            assert catalog.get(key), (lang, key)
