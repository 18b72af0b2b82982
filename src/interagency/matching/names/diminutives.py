"""Diminutives of given names (Саша for Александр, Коля for Николай, Sandro for
Aleksandre), read from `data/diminutives.tsv`.

A diminutive is weaker evidence than another spelling of the same name: people are
called by it and officers copy it rarely, and one diminutive stands for several full
names (Саша for Александр and Александра, Слава for Вячеслав and Владислав).
"""

from __future__ import annotations

from functools import lru_cache

from interagency.matching.names.groups import group_of_spelling
from interagency.matching.names.keys import spelling_key
from interagency.matching.names.standards import read_table


@lru_cache(maxsize=1)
def _full_names() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for row in read_table("diminutives.tsv"):
        head = group_of_spelling(spelling_key(row[0]))
        for diminutive in row[1:]:
            found.setdefault(spelling_key(diminutive), set()).add(head)
    return {key: frozenset(heads) for key, heads in found.items()}


def full_names_of(key: str) -> frozenset[str]:
    """Name groups (see `groups.group_of_spelling`) that the given name with spelling
    key `key` is a diminutive of; empty when it is none."""
    return _full_names().get(key, frozenset())


def are_diminutive_forms(a: str, b: str) -> bool:
    """Whether one of two given names (spelling keys) is a diminutive of the other,
    or both are diminutives of one name (Саша, Шура)."""
    full_a, full_b = full_names_of(a), full_names_of(b)
    return group_of_spelling(b) in full_a or group_of_spelling(a) in full_b or bool(full_a & full_b)
