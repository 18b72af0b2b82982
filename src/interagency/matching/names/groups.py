"""Given names that are one name in several forms (Muhammad, Magomed, Mahammad...)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from interagency.matching.names.keys import spelling_key
from interagency.matching.names.standards import read_table


@lru_cache(maxsize=1)
def _group_heads() -> dict[str, str]:
    heads: dict[str, str] = {}
    for row in read_table("name-groups.tsv"):
        head = spelling_key(row[0])
        for form in row:
            # First group wins: a form listed twice keeps its first meaning.
            heads.setdefault(spelling_key(form), head)
    return heads


def name_group(word: str) -> str:
    """The spelling key naming the group `word` belongs to, or its own spelling key."""
    return group_of_spelling(spelling_key(word))


def group_of_spelling(key: str) -> str:
    """Like name_group, for a word already reduced to its spelling key. Female
    surnames share the group of the male form (Гусейнова, Hüseynova)."""
    heads = _group_heads()
    if key in heads:
        return heads[key]
    if key.endswith("a") and key[:-1] in heads:
        return heads[key[:-1]] + "a"
    return key


@lru_cache(maxsize=1)
def known_given_names() -> frozenset[str]:
    """Spelling keys of common given names of the member states (parsing hint only)."""
    text = (
        resources.files("interagency.matching.names")
        .joinpath("data")
        .joinpath("given-names.txt")
        .read_text(encoding="utf-8")
    )
    words = [w for line in text.splitlines() if not line.startswith("#") for w in line.split()]
    return frozenset(spelling_key(w) for w in words) | frozenset(_group_heads())
