"""The overview of exports shows each door's summary and each rule's reason in the reader's
language."""

from __future__ import annotations

from interagency.egress.doors import DOORS
from interagency.egress.policy import RULES
from tests.unit.test_i18n import russian_catalog


def test_the_doors_and_rules_shown_to_users_are_translated() -> None:
    """The overview shows each door's summary and each rule's reason in the reader's
    language: they are catalogued like every message (they are data, not `lazy()` calls,
    so extraction alone does not find them)."""
    catalog = russian_catalog()
    texts = [spec.summary for spec in DOORS.values()] + [rule.why for rule in RULES]
    assert [text for text in texts if not catalog.get(text)] == []
