"""The keys under which a search by name finds a name: what two spellings of one name,
in any script, standard or word order, have in common, and few other names share.

A search looks up its keys, scores the names found under them with the name-only score
(`matching.names_alone`) and ranks them: the keys only decide which names are worth
scoring, so they are loose on purpose (г and h, к and q, the gender forms of a surname
and the forms of a given name share one).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from interagency.matching.names.canonical import to_latin
from interagency.matching.names.groups import group_of_spelling
from interagency.matching.names.keys import loose_blocking_key, spelling_key
from interagency.matching.names.parse import marker_gender

# A key this short (an initial, "A" of Ali) would find a large part of any list.
_SHORTEST_KEY: Final = 2


@lru_cache(maxsize=65536)
def search_keys(name: str) -> frozenset[str]:
    """The keys of every word of `name` that says who the person is: Turkic patronymic
    markers (oğlu, кызы) and initials give none."""
    keys: set[str] = set()
    for word in to_latin(name.replace(",", " ")).split():
        if marker_gender(word):
            continue
        spelling = spelling_key(word)
        for form in (spelling, group_of_spelling(spelling)):
            key = loose_blocking_key(form)
            if len(key) >= _SHORTEST_KEY:
                keys.add(key)
    return frozenset(keys)
