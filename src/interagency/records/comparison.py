"""Comparing one record's particulars with other agencies' records: the linkage engine for
persons, normalised identifiers for documents, vehicles, phones and organisations.

A name alone is never a hit: a person must also agree on the birth date or the document
number, and an organisation's name is not compared at all (only its registration).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import pandas as pd

from interagency.matching.model import shipped_model
from interagency.matching.screen import Candidate, Keys, ScreeningIndex
from interagency.matching.screen.parameters import match_probability
from interagency.records.models import Band
from interagency.records.particulars import Particulars, PersonParticulars

# Below POSSIBLE_FROM a pair is no hit at all; from STRONG_FROM the searching agency is
# told the hit is strong. With the shipped model the same person in two scripts with
# the whole birth date scores about 0.9998, with the birth year only about 0.996, and a
# namesake with no birth date 0.58 (and is no hit anyway: the name alone).
POSSIBLE_FROM: Final = 0.8
STRONG_FROM: Final = 0.999
# Fields that identify beyond a name.
_IDENTIFYING_FIELDS: Final = frozenset({"birth_date", "passport"})
# Identifiers that pin one object down; a plate is reissued and so only possible.
_STRONG_KEYS: Final = frozenset({"document", "vin", "phone", "imei", "registration"})
_KEY_LEVELS: Final = {
    "document": "same document number and issuing country",
    "vin": "same vehicle identification number",
    "plate": "same registration plate and country",
    "phone": "same phone number",
    "imei": "same handset (IMEI)",
    "registration": "same registration number and country",
}


@dataclass(frozen=True, slots=True)
class Match:
    """A possible match, never an identification, until a person has checked it."""

    found_id: int
    probability: float
    band: Band
    # What each field contributed: {"field", "level", "weight"}, for the owner only.
    explanation: tuple[dict[str, Any], ...]


@cache
def model() -> dict[str, Any]:
    return shipped_model()


def model_without_term_frequencies() -> dict[str, Any]:
    """The model for the batch engine, scoring as screening does (see `person_matches`):
    the records one agency holds are too few to weigh names by how common they are."""
    plain = copy.deepcopy(model())
    for item in plain["comparisons"]:
        for level in item["comparison_levels"]:
            # Removed, not set to 0: Splink reads a weight of 0 as "not given", that is 1.
            for key in ("tf_adjustment_column", "tf_adjustment_weight", "tf_minimum_u_value"):
                level.pop(key, None)
    return plain


def band_of(probability: float) -> Band:
    return Band.STRONG if probability >= STRONG_FROM else Band.POSSIBLE


def person_matches(
    query: PersonParticulars, candidates: Mapping[int, PersonParticulars]
) -> list[Match]:
    """Candidates the model scores at POSSIBLE_FROM or above and that agree on more than
    the name, most probable first."""
    if not candidates:
        return []
    rows = [person.as_person_row(str(record_id)) for record_id, person in candidates.items()]
    # The records held are too few to tell common names from rare ones: the model's own
    # weights, learnt on a large population, judge better.
    index = ScreeningIndex.from_records(
        pd.DataFrame(rows, dtype="string"), model(), term_frequencies=False
    )
    found = index.screen_record(query.as_person_row("query"), threshold=POSSIBLE_FROM, limit=None)
    return [match for candidate in found if (match := _person_match(candidate))]


def rescore(query: Keys, found: Keys) -> Match | None:
    """The pair as interactive screening scores it, for pairs the batch engine proposes
    (so that a bulk upload and a single record get the same hits)."""
    scorer = _scorer()
    # Most pairs a screening meets are no hit: their weight alone says so, and only a
    # hit is explained field by field (the same sum, so the same probability).
    if match_probability(scorer.match_weight(query, found)) < POSSIBLE_FROM:
        return None
    return _person_match(scorer.explain(query, found))


@cache
def _scorer() -> ScreeningIndex:
    return ScreeningIndex(model(), term_frequencies=False)


def _person_match(candidate: Candidate) -> Match | None:
    """A hit, unless it is below POSSIBLE_FROM or rests on the name alone."""
    if candidate.probability < POSSIBLE_FROM:
        return None
    if not any(f.agrees and f.field in _IDENTIFYING_FIELDS for f in candidate.fields):
        return None
    explanation = tuple(
        {"field": f.field, "level": f.level, "weight": round(f.weight, 2)} for f in candidate.fields
    )
    probability = round(candidate.probability, 6)
    return Match(int(candidate.id), probability, band_of(probability), explanation)


def identifier_matches(query: Particulars, candidates: Mapping[int, Particulars]) -> list[Match]:
    """Candidates that share a normalised identifier with the query."""
    wanted = query.match_keys()
    matches = []
    for record_id, candidate in sorted(candidates.items()):
        shared = sorted(
            name for name, key in candidate.match_keys().items() if wanted.get(name) == key
        )
        if not shared:
            continue
        strong = any(name in _STRONG_KEYS for name in shared)
        explanation = tuple(
            {"field": name, "level": _KEY_LEVELS[name], "weight": None} for name in shared
        )
        probability = 1.0 if strong else POSSIBLE_FROM
        matches.append(
            Match(record_id, probability, Band.STRONG if strong else Band.POSSIBLE, explanation)
        )
    return matches


def matches_of(query: Particulars, candidates: Mapping[int, Particulars]) -> list[Match]:
    if isinstance(query, PersonParticulars):
        people = {i: c for i, c in candidates.items() if isinstance(c, PersonParticulars)}
        return person_matches(query, people)
    return identifier_matches(query, candidates)
