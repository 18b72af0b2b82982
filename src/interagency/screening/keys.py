"""A subject's candidate keys, as text (never stored) and as the keyed hashes stored.

Persons: the keys of the linkage engine's candidate rules (`matching.screen.blocking`),
so that a screening compares exactly the pairs the engine's own index would. Documents,
vehicles, phones and organisations: their normalised identifiers (`match_keys`). Each
key begins with what it describes, so a phone number never meets a passport number.

A person's features are computed from its own particulars alone (no given-name hints
learnt from other records): its stored keys stay right whatever else is stored.
"""

from __future__ import annotations

import json

from interagency.matching.features import record_features
from interagency.matching.screen.blocking import lookup_keys, stored_keys
from interagency.matching.screen.index import keys_from_row
from interagency.matching.screen.levels import Keys
from interagency.records.particulars import Particulars, PersonParticulars


def features_of(person: PersonParticulars, subject_id: int = 0) -> Keys:
    """The engine's features of one person, without given-name hints."""
    return keys_from_row(record_features(person.as_person_row(str(subject_id))))


def stored_texts(matches_as: str, particulars: Particulars) -> set[str]:
    """What a subject is found under."""
    if isinstance(particulars, PersonParticulars):
        return {f"{matches_as}:{key}" for key in stored_keys(features_of(particulars))}
    return _identifiers(matches_as, particulars)


def lookup_texts(
    matches_as: str, particulars: Particulars, features: Keys | None = None
) -> set[str]:
    """What a subject being screened looks its candidates up by (a person's `features`
    given where they were computed already)."""
    if isinstance(particulars, PersonParticulars):
        found = features or features_of(particulars)
        return {f"{matches_as}:{key}" for key in lookup_keys(found)}
    return _identifiers(matches_as, particulars)


def _identifiers(matches_as: str, particulars: Particulars) -> set[str]:
    return {
        f"{matches_as}:{json.dumps([name, value], ensure_ascii=False)}"
        for name, value in particulars.match_keys().items()
    }
