"""A subject's candidate keys, as text (never stored) and as the keyed hashes stored.

Persons: the keys of the linkage engine's candidate rules (`matching.screen.blocking`),
so that a screening compares exactly the pairs the engine's own index would. Documents,
vehicles, phones and organisations: their normalised identifiers (`match_keys`). Each
key begins with what it describes, so a phone number never meets a passport number.

A person's features are computed from its own particulars alone (no given-name hints
learnt from other records): its stored keys stay right whatever else is stored, and so do
its features, which a subject screened against keeps sealed beside its keys
(`features_text`).
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Final

from interagency.matching.features import record_features
from interagency.matching.screen.blocking import lookup_keys, stored_keys
from interagency.matching.screen.index import keys_from_row
from interagency.matching.screen.levels import Keys
from interagency.records.particulars import Particulars, PersonParticulars

# Every feature but the id, which is the subject's own.
_STORED_FEATURES: Final = tuple(f.name for f in fields(Keys) if f.name != "unique_id")


def features_of(person: PersonParticulars, subject_id: int = 0) -> Keys:
    """The engine's features of one person, without given-name hints."""
    return keys_from_row(record_features(person.as_person_row(str(subject_id))))


def stored_texts(
    matches_as: str, particulars: Particulars, features: Keys | None = None
) -> set[str]:
    """What a subject is found under (a person's `features` given where they were
    computed already)."""
    if isinstance(particulars, PersonParticulars):
        found = features or features_of(particulars)
        return {f"{matches_as}:{key}" for key in stored_keys(found)}
    return _identifiers(matches_as, particulars)


def features_text(features: Keys) -> str:
    """A person's features as its subject keeps them, sealed: JSON without the id."""
    values = {name: getattr(features, name) for name in _STORED_FEATURES}
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


def features_from_text(subject_id: int, text: str) -> Keys | None:
    """The features `features_text` wrote, as the subject's; None when the engine's
    features have changed since (the subject is then compared by its particulars)."""
    values = json.loads(text)
    if values.keys() != set(_STORED_FEATURES):
        return None
    return Keys(unique_id=str(subject_id), **values)


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
