"""Names alone: how likely two personal names are one person's when nothing else is
known (a search by name, a facilitator known only by name, a watch-list entry
without a date).

The score is the record model's own judgement of the names, not a string distance:

1. Each name is read as the record model reads a record's name (`parse_name`,
   `name_features`): given name, patronymic and surname in any script and order,
   initials, Turkic patronymics (Əhməd oğlu, Ержанұлы) and Russian -ович/-овна. A
   particle (al-, ibn, ter-, van) is left out, because writers keep or drop it at
   will; the parts of a double surname (Petrov-Vodkin, al-Hashimi) are also compared
   one by one.
2. The pair's *weight* is the sum of the log2 Bayes factors that the shipped model
   (`model.shipped_model`) gives the levels the names meet in its surname, given-name
   and patronymic comparisons (`screen.levels`), plus its sex comparison for the
   gender the patronymics show (-ович against -овна, oğlu against qızı).
   Given name and surname are also read the other way round, and the better reading
   counts: the parser's split is wrong often enough even where it is sure (a surname
   without a typical ending), and crossing the parts rarely finds agreement between
   other people that the straight reading lacks (measured: it raised the ROC AUC on
   the cross-script data). A name of one part is read both ways unless its ending
   marks a surname or it is a known given name. The model's own "swapped" level,
   made for records whose fields are settled, is not used: the readings do its work.
   Four judgements that the record model leaves to its other fields are made here:
   an initial that agrees counts as an initial, however both sides wrote it; a
   diminutive (Саша for Александр) counts as much as an initial; a shared part of a
   double surname counts as much as the same surname in another standard; the male
   and female forms of a given name (Александр, Александра) are two names. Ivanov
   against Ivanova meets the model's level for the other gender form of a surname: a
   weak signal as the model learnt it, not an agreement.
3. The weight becomes a probability through a logistic map, slope and intercept
   fitted on the labelled cross-script data (`benchmarks/crossscript_data.py`, seed
   1): the calibration. They live in `data/names-alone-calibration.json` and are
   refitted by `benchmarks/names.py --refit`.

Why a fitted map and not the model's probability: the model's prior is that of one
pair of records out of two whole tables, which depends on the tables' size, and its
fields are assumed independent, which names alone are not. The map corrects both,
measured on data rather than assumed, and leaves the order of the weights untouched.
Two parameters, because the weights are nearly calibrated already (the fitted slope
is about 0.9, the intercept about 0): an isotonic map fitted on the same data
followed the steps of the training sample and scored a worse Brier score on another
seed.

What the probability means: among pairs that, before the names were read, were as
likely one person as two, the share of one person's pairs among those whose names
score alike (same-person pairs and other pairs weighed equally when fitting). A
caller who knows its own odds, say one in a million names held, multiplies them by
p / (1 - p). A name-only score never makes a cross-agency hit on its own: the records'
rule stays (see `records.comparison`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Final

from rapidfuzz.distance import JaroWinkler

from interagency.matching.compare import NAME_SIMILAR
from interagency.matching.features import NameFeatures, name_features
from interagency.matching.model import shipped_model
from interagency.matching.names.diminutives import are_diminutive_forms
from interagency.matching.names.keys import spelling_key
from interagency.matching.names.parse import (
    Gender,
    NameParts,
    affixes,
    parse_name,
    patronymic_suffix,
    surname_score,
)
from interagency.matching.names.standards import read_table
from interagency.matching.screen.levels import (
    Keys,
    given_name_level,
    patronymic_level,
    surname_level,
)
from interagency.matching.screen.parameters import (
    ModelError,
    match_probability,
    model_parameters,
)

CALIBRATION: Final = Path(__file__).parent / "data" / "names-alone-calibration.json"

_SWAPPED: Final = "given name and surname swapped"
_INITIAL: Final = "initial fits"
_OTHER_STANDARD: Final = "same surname in another standard"
_SURNAME_PARTS: Final = re.compile(r"[\s\-‐‑–—]+")
# `surname_score` of a word whose role is settled: a surname ending (2) or a known
# given name (-2 or less).
_SURE_ROLE: Final = 2


@dataclass(frozen=True, slots=True)
class _Comparison:
    """The weights of one of the model's name comparisons, by level index."""

    weights: tuple[float, ...]
    swapped: int  # the level the two readings replace
    similar: int  # the levels a swapped pair falls through to: Jaro-Winkler...
    other: int  # ...or nothing in common

    @classmethod
    def of(cls, labels: list[str], weights: tuple[float, ...]) -> _Comparison:
        swapped = _index(labels, _SWAPPED)
        if swapped + 2 != len(labels) - 1 or not labels[swapped + 1].startswith("Jaro-Winkler"):
            raise ModelError(f"the levels after {_SWAPPED!r} are not Jaro-Winkler, other")
        return cls(weights, swapped, swapped + 1, swapped + 2)

    def weight(self, level: int, a: str | None, b: str | None) -> float:
        if level == self.swapped:
            similar = (
                a is not None and b is not None and JaroWinkler.similarity(a, b) >= NAME_SIMILAR
            )
            level = self.similar if similar else self.other
        return self.weights[level]


@dataclass(frozen=True, slots=True)
class _Weights:
    surname: _Comparison
    given: _Comparison
    patronymic: tuple[float, ...]
    given_initial: float
    patronymic_initial: float
    surname_in_part: float  # the cap on a shared part of a double surname
    same_sex: float
    other_sex: float


def _index(labels: list[str], label: str) -> int:
    if label not in labels:
        raise ModelError(f"the model has no level {label!r}")
    return labels.index(label)


@lru_cache(maxsize=1)
def _weights() -> _Weights:
    """The name and sex weights of the shipped model."""
    by_field = {c.field: c.levels for c in model_parameters(shipped_model()).comparisons}

    def labels(field: str) -> list[str]:
        return [level.label for level in by_field[field]]

    def weights(field: str) -> tuple[float, ...]:
        return tuple(level.weight for level in by_field[field])

    surname, given = weights("surname"), weights("given_name")
    patronymic, sex = weights("patronymic"), weights("sex")
    return _Weights(
        surname=_Comparison.of(labels("surname"), surname),
        given=_Comparison.of(labels("given_name"), given),
        patronymic=patronymic,
        given_initial=given[_index(labels("given_name"), _INITIAL)],
        patronymic_initial=patronymic[_index(labels("patronymic"), _INITIAL)],
        surname_in_part=surname[_index(labels("surname"), _OTHER_STANDARD)],
        # Levels: null, exact, other (compare.sex_comparison).
        same_sex=sex[1],
        other_sex=sex[2],
    )


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class _Reading:
    """One way to read a name: the record model's keys for one split into parts, and
    the keys of each part of a surname written in several."""

    keys: Keys
    surname_parts: tuple[Keys, ...]


@dataclass(frozen=True, slots=True)
class _Name:
    readings: tuple[_Reading, ...]  # as parsed, then given name and surname crossed
    gender: Gender  # shown by the patronymic: "m", "f" or ""
    both_parts: bool  # has a given name and a surname, whichever is which


@lru_cache(maxsize=1)
def _particles() -> frozenset[str]:
    return frozenset(spelling_key(row[0]) for row in read_table("name-particles.tsv"))


def _without_particles(words: list[str]) -> list[str]:
    kept = [w for w in words if spelling_key(w.strip(".,")) not in _particles()]
    return kept or words


@lru_cache(maxsize=1 << 16)
def _read(name: str) -> _Name | None:
    """How a name is read; None for one without a letter to compare."""
    text = unicodedata.normalize("NFC", name).strip()
    words = _without_particles(text.replace(",", ", ").split())
    text = " ".join(words).replace(" ,", ",")
    parts = parse_name(text)
    first = _reading(parts)
    if not any((first.keys.given_sp, first.keys.surname_sp, first.keys.father_bk)):
        return None
    readings = [first]
    if _order_unsure(parts):
        readings.append(_reading(replace(parts, given=parts.surname, surname=parts.given)))
    return _Name(tuple(readings), _gender(parts), bool(parts.given and parts.surname))


def _order_unsure(parts: NameParts) -> bool:
    """Whether given name and surname may be the other way round: always for a name
    of both (see the module's description); for a single one unless its ending marks
    a surname (Ivanov) or it is a known given name (Aleksandr), as it would otherwise
    be compared with given names by its likeness alone (Ivanova with Ivana)."""
    if parts.given and parts.surname:
        return True
    word = parts.given or parts.surname
    return bool(word) and -_SURE_ROLE < surname_score(word) < _SURE_ROLE


def _gender(parts: NameParts) -> Gender:
    """The gender of a patronymic written as one (-ович, -овна) or with its marker as a
    word of its own (Əhməd oğlu). A marker joined to a word is not trusted: the
    Azerbaijani surnames Cəfəroğlu and the given name Айсулуу end the same way."""
    words = parts.patronymic.split()
    if len(words) != 1:
        return parts.patronymic_gender
    ending, gender = patronymic_suffix(words[0])
    found = affixes()
    return gender if ending in found.patronymic_male + found.patronymic_female else ""


def _reading(parts: NameParts) -> _Reading:
    pieces = [p for p in _SURNAME_PARTS.split(parts.surname) if spelling_key(p) not in _particles()]
    surname_parts: tuple[Keys, ...] = ()
    if len(pieces) > 1 or (pieces and pieces[0] != parts.surname):
        surname_parts = tuple(
            _keys(name_features(replace(parts, surname=p))) for p in pieces if len(p) > 1
        )
    return _Reading(_keys(name_features(parts)), surname_parts)


def _keys(features: NameFeatures) -> Keys:
    """The record model's keys of a name with no other field."""
    return Keys(
        unique_id="",
        given_sp=features.given_sp or None,
        given_bk=features.given_bk or None,
        given_grp=features.given_grp or None,
        given_init=features.given_init or None,
        given_is_init=features.given_is_init,
        surname_sp=features.surname_sp or None,
        surname_bk=features.surname_bk or None,
        surname_bkl=features.surname_bkl or None,
        surname_grp=features.surname_grp or None,
        surname_form=features.surname_form or None,
        father_bk=features.father_bk or None,
        dob=None,
        dob_y=None,
        dob_m=None,
        dob_d=None,
        passport=None,
        passport_stem=None,
        passport_tail=None,
        sex=None,
        nationality=None,
    )


# --------------------------------------------------------------------------- weights


def _surname_weight(a: Keys, b: Keys, weights: _Weights) -> float:
    weight = weights.surname.weight(surname_level(a, b), a.surname_sp, b.surname_sp)
    if _initial_like(a.surname_bk) or _initial_like(b.surname_bk):
        # An initial read as the surname (a name in an unknown order) is an initial.
        return min(weight, weights.given_initial)
    return weight


def _initial_like(blocking_key: str | None) -> bool:
    """A word whose key is one letter: an initial, or a word too short to tell
    apart from others (as `features.name_features` marks given names)."""
    return blocking_key is not None and len(blocking_key) <= 1


def _surnames(a: _Reading, b: _Reading, weights: _Weights) -> float:
    best = _surname_weight(a.keys, b.keys, weights)
    if not (a.surname_parts or b.surname_parts):
        return best
    for x in (a.keys, *a.surname_parts):
        for y in (b.keys, *b.surname_parts):
            if x is not a.keys or y is not b.keys:
                part = min(_surname_weight(x, y, weights), weights.surname_in_part)
                best = max(best, part)
    return best


def _given_names(a: Keys, b: Keys, weights: _Weights) -> float:
    if _other_gender_form(a.given_grp, b.given_grp):
        return weights.given.weights[weights.given.other]
    weight = weights.given.weight(given_name_level(a, b), a.given_sp, b.given_sp)
    if a.given_is_init or b.given_is_init:
        return min(weight, weights.given_initial)
    diminutive = weights.given_initial
    if weight < diminutive and a.given_sp and b.given_sp:
        return diminutive if are_diminutive_forms(a.given_sp, b.given_sp) else weight
    return weight


def _other_gender_form(a: str | None, b: str | None) -> bool:
    """Александр and Александра, Евгений and Евгения: the male and female forms of
    a given name (name groups, so Eugene and Евгения too) are two people's names,
    however alike they are written."""
    if not a or not b or min(len(a), len(b)) < 3:
        return False
    return a == b + "a" or b == a + "a"


def _patronymics(a: Keys, b: Keys, weights: _Weights) -> float:
    weight = weights.patronymic[patronymic_level(a, b)]
    if a.father_bk and b.father_bk and min(len(a.father_bk), len(b.father_bk)) == 1:
        return min(weight, weights.patronymic_initial)
    return weight


def _reading_weight(a: _Reading, b: _Reading, weights: _Weights) -> float:
    return (
        _surnames(a, b, weights)
        + _given_names(a.keys, b.keys, weights)
        + _patronymics(a.keys, b.keys, weights)
    )


def name_match_weight(a: str, b: str) -> float | None:
    """The log2 Bayes factor of two names being one person's (step 2 of the module's
    description), before calibration; None when either has no letter to compare."""
    name_a, name_b = _read(a), _read(b)
    if name_a is None or name_b is None:
        return None
    weights = _weights()
    # Crossing both names would compare the given names by the surname's weights;
    # unless one name is a single part, which may be either.
    both_crossed = name_a.both_parts and name_b.both_parts
    weight = max(
        _reading_weight(x, y, weights)
        for i, x in enumerate(name_a.readings)
        for j, y in enumerate(name_b.readings)
        if not (i and j and both_crossed)
    )
    if name_a.gender and name_b.gender:
        weight += weights.same_sex if name_a.gender == name_b.gender else weights.other_sex
    return weight


# --------------------------------------------------------------------------- calibration


@dataclass(frozen=True, slots=True)
class Calibration:
    """probability = 1 / (1 + 2 ** -(slope * weight + intercept))"""

    slope: float
    intercept: float

    def __call__(self, weight: float) -> float:
        return match_probability(self.slope * weight + self.intercept)


@lru_cache(maxsize=1)
def calibration() -> Calibration:
    """The shipped map (see the module's description)."""
    data = json.loads(CALIBRATION.read_text(encoding="utf-8"))
    return Calibration(float(data["slope"]), float(data["intercept"]))


def name_similarity(a: str, b: str) -> float:
    """The probability in [0, 1] that two personal names, whole names or parts in any
    supported script, standard and order, are one person's, at even prior odds (see
    the module's description); 0 when either has no letter to compare.

    >>> name_similarity("Абдуллаев Мухаммад Ахмедович", "Muhammad Abdullaev") > 0.99
    True
    """
    weight = name_match_weight(a, b)
    return 0.0 if weight is None else calibration()(weight)
