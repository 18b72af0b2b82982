"""Every registered kind of subject, walked: rules that must hold for the next kind too."""

from __future__ import annotations

from interagency.identity.audit_policy import FOREIGN_FACTS
from interagency.screening import registry


def test_every_kinds_screening_keeps_the_count_compared_from_its_own_agency() -> None:
    # How many of the other agencies' subjects the safeguards let it meet is a fact
    # about what they hold.
    for kind in registry.kinds():
        assert "compared" in FOREIGN_FACTS.get(kind.screen_action, frozenset()), kind.name


def test_a_kind_checked_by_the_searching_side_is_never_searched_for() -> None:
    # Its subjects are events of the searching agency: nothing screens against them.
    searched = {name for kind in registry.kinds() for name in kind.screened_against}
    for kind in registry.kinds():
        if kind.checked_by_searcher:
            assert kind.name not in searched
            assert kind.screened_against
