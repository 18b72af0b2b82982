"""An in-memory index of persons for screening one record at a time.

Built once from a feature table (`features.person_features`): for every candidate
rule of the model (`model.PREDICTION_BLOCKING_RULES`) a dictionary from the rule's
key to the records that have it, and the counts of the term-frequency columns. A
query looks its own keys up, which gives the same candidates as the batch engine's
blocking, and scores them with the saved model's parameters
(`parameters.model_parameters`). Records are added and removed in place; the term
frequencies follow.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

import pandas as pd

from interagency.matching.features import (
    FEATURE_COLUMNS,
    given_name_hints,
    person_features,
    record_features,
)
from interagency.matching.model import PREDICTION_BLOCKING_RULES
from interagency.matching.screen.levels import Keys
from interagency.matching.screen.parameters import (
    LevelWeight,
    ModelParameters,
    match_probability,
    model_parameters,
)

_EQUALITY: Final = re.compile(r"^l\.(\w+)\s*=\s*r\.(\w+)$")
_MISSING: Final = re.compile(r"^(l|r)\.(\w+)\s+is\s+null$", re.IGNORECASE)
KeyTuple = tuple[object, ...]
Side = Literal["l", "r"]


@dataclass(frozen=True, slots=True)
class Rule:
    """A candidate rule `l.A = r.B and l.C = r.D ...` as its two key column lists,
    with at most one filter `(l.X is null or r.Y is null ...)`: the pair is kept
    when any of those values is missing."""

    left: tuple[str, ...]
    right: tuple[str, ...]
    either_missing: tuple[tuple[Side, str], ...] = ()

    @property
    def is_symmetric(self) -> bool:
        keys = set(zip(self.left, self.right, strict=True))
        swapped_filter = {(_other(side), column) for side, column in self.either_missing}
        return keys == set(zip(self.right, self.left, strict=True)) and swapped_filter == set(
            self.either_missing
        )

    def swapped(self) -> Rule:
        """The same rule with l and r exchanged."""
        flipped = tuple((_other(side), column) for side, column in self.either_missing)
        return Rule(self.right, self.left, flipped)

    def keeps(self, left: Keys, right: Keys) -> bool:
        """Whether the filter lets the pair through (no filter: always)."""
        if not self.either_missing:
            return True
        return any(
            getattr(left if side == "l" else right, column) is None
            for side, column in self.either_missing
        )


def _other(side: Side) -> Side:
    return "r" if side == "l" else "l"


def parse_rule(rule: str) -> Rule:
    """Raises ValueError for a term that is neither an l/r column equality nor a
    filter of missing values."""
    left: list[str] = []
    right: list[str] = []
    missing: list[tuple[Side, str]] = []
    for raw in re.split(r"\s+and\s+", rule.strip(), flags=re.IGNORECASE):
        term = raw.strip()
        if match := _EQUALITY.match(term):
            left.append(match.group(1))
            right.append(match.group(2))
            continue
        alternatives = [_MISSING.match(a.strip()) for a in term.strip("()").split(" or ")]
        if missing or not term.startswith("(") or not all(alternatives):
            raise ValueError(f"not a column equality or a filter of missing values: {term!r}")
        missing = [(m.group(1).lower(), m.group(2)) for m in alternatives if m]  # type: ignore[misc]
    if not left:
        raise ValueError(f"no column equality to look candidates up by: {rule!r}")
    return Rule(tuple(left), tuple(right), tuple(missing))


@dataclass(frozen=True, slots=True)
class FieldAgreement:
    """How one field of the query compares with the candidate's."""

    field: str  # surname, given_name, patronymic, birth_date, passport, sex, nationality
    level: str  # the comparison level met, e.g. "same surname in another standard"
    weight: float  # log2 Bayes factor, term frequencies included; > 0 speaks for a match

    @property
    def agrees(self) -> bool:
        return self.weight > 0


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible match, never an identification, until a person has checked it."""

    id: str
    probability: float
    match_weight: float
    fields: tuple[FieldAgreement, ...]


def keys_from_row(row: Mapping[str, Any]) -> Keys:
    """Keys of one feature row; pandas' missing values become None."""
    values: dict[str, Any] = {
        c: (None if _missing(row.get(c)) else row.get(c)) for c in FEATURE_COLUMNS
    }
    for column in ("dob_y", "dob_m", "dob_d", "passport_tail"):
        if values[column] is not None:
            values[column] = int(values[column])
    values["unique_id"] = str(values["unique_id"])
    values["given_is_init"] = bool(values["given_is_init"])
    return Keys(**values)


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


class ScreeningIndex:
    """Persons indexed by the model's candidate keys, scored with its parameters."""

    def __init__(
        self,
        model: dict[str, Any],
        rules: Iterable[str] = PREDICTION_BLOCKING_RULES,
        *,
        term_frequencies: bool = True,
    ):
        """An empty index. Raises `parameters.ModelError` for a model of other
        comparisons and ValueError for a rule that is not column equalities.

        Without `term_frequencies`, levels keep the weights the model was trained with:
        an index of a few records would otherwise take every name in it for a common
        one (a surname held by three of five records is worth nothing)."""
        self.parameters: ModelParameters = model_parameters(model)
        self._term_frequencies = term_frequencies
        # A rule that is not symmetric finds pairs in both orientations (the query
        # as Splink's l or r record), each with its own keys.
        self._rules = tuple(
            oriented
            for rule in map(parse_rule, rules)
            for oriented in ((rule,) if rule.is_symmetric else (rule, rule.swapped()))
        )
        self._buckets: list[dict[KeyTuple, set[str]]] = [{} for _ in self._rules]
        self._records: dict[str, Keys] = {}
        self._tf_counts = {c: Counter[object]() for c in self.parameters.tf_columns}
        self._tf_totals = dict.fromkeys(self.parameters.tf_columns, 0)
        self.hints: frozenset[str] = frozenset()

    @classmethod
    def from_features(
        cls,
        features: pd.DataFrame,
        model: dict[str, Any],
        hints: frozenset[str] = frozenset(),
        *,
        term_frequencies: bool = True,
    ) -> ScreeningIndex:
        """An index of every row of a feature table (`features.person_features`);
        `hints` are the given-name hints learnt from the records (`given_name_hints`),
        used to split the names of records screened or added later."""
        index = cls(model, term_frequencies=term_frequencies)
        index.hints = hints
        index.add_many(keys_from_row(row) for row in features.to_dict("records"))
        return index

    @classmethod
    def from_records(
        cls,
        records: pd.DataFrame,
        model: dict[str, Any],
        workers: int = 1,
        *,
        term_frequencies: bool = True,
    ) -> ScreeningIndex:
        """An index of person records with our input columns (see `from_features`).
        Raises InputError for a record that cannot be read."""
        text = records.astype("string").fillna("").to_dict("records")
        hints = given_name_hints(text)
        return cls.from_features(
            person_features(records, workers), model, hints, term_frequencies=term_frequencies
        )

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._records

    # ------------------------------------------------------------------ changes

    def add_record(self, row: Mapping[str, str]) -> None:
        """Index a record with our input columns. Raises InputError as
        `features.person_features` does."""
        self.add(keys_from_row(record_features(row, self.hints)))

    def add_many(self, records: Iterable[Keys]) -> None:
        for record in records:
            self.add(record)

    def add(self, record: Keys) -> None:
        """Index a record; one already indexed under the same id is replaced."""
        if record.unique_id in self._records:
            self.remove(record.unique_id)
        self._records[record.unique_id] = record
        for rule, buckets in zip(self._rules, self._buckets, strict=True):
            for key in self._keys(record, rule):
                buckets.setdefault(key, set()).add(record.unique_id)
        for column, counts in self._tf_counts.items():
            value = getattr(record, column)
            if value is not None:
                counts[value] += 1
                self._tf_totals[column] += 1

    def remove(self, record_id: str) -> None:
        """Take a record out of the index. Raises KeyError for an unknown id."""
        record = self._records.pop(record_id)
        for rule, buckets in zip(self._rules, self._buckets, strict=True):
            for key in self._keys(record, rule):
                bucket = buckets[key]
                bucket.discard(record_id)
                if not bucket:
                    del buckets[key]
        for column, counts in self._tf_counts.items():
            value = getattr(record, column)
            if value is not None:
                counts[value] -= 1
                if not counts[value]:
                    del counts[value]
                self._tf_totals[column] -= 1

    @staticmethod
    def _keys(record: Keys, rule: Rule) -> list[KeyTuple]:
        """The key under which `record` is found by `rule` as its r record."""
        key = tuple(getattr(record, c) for c in rule.right)
        # An equality with NULL is never true in SQL: no key, no candidate.
        return [] if None in key else [key]

    # ------------------------------------------------------------------ queries

    def candidates(self, query: Keys) -> set[str]:
        """Ids of the indexed records that some candidate rule pairs with `query`."""
        found: set[str] = set()
        for rule, buckets in zip(self._rules, self._buckets, strict=True):
            key = tuple(getattr(query, c) for c in rule.left)
            if None in key or key not in buckets:
                continue
            if rule.either_missing:
                records = self._records
                found.update(i for i in buckets[key] if rule.keeps(query, records[i]))
            else:
                found |= buckets[key]
        found.discard(query.unique_id)
        return found

    def screen_record(
        self, row: Mapping[str, str], *, threshold: float = 0.5, limit: int | None = 20
    ) -> list[Candidate]:
        """`screen` for a record with our input columns (its id may be any text)."""
        query = dict(row)
        query["id"] = str(query.get("id") or "query")
        keys = keys_from_row(record_features(query, self.hints))
        return self.screen(keys, threshold=threshold, limit=limit)

    def screen(
        self, query: Keys, *, threshold: float = 0.5, limit: int | None = 20
    ) -> list[Candidate]:
        """Candidates at or above `threshold`, most probable first (ties by id)."""
        scored = []
        minimum_weight = _weight_of(threshold)
        for candidate_id in self.candidates(query):
            candidate = self._records[candidate_id]
            weight = self.match_weight(query, candidate)
            if weight >= minimum_weight:
                scored.append((weight, candidate_id))
        scored.sort(key=lambda item: (-item[0], item[1]))
        chosen = scored if limit is None else scored[:limit]
        return [self.explain(query, self._records[i]) for _, i in chosen]

    def match_weight(self, query: Keys, record: Keys) -> float:
        """The model's match weight of the pair (query as Splink's l, record as r)."""
        total = self.parameters.prior_weight
        for comparison in self.parameters.comparisons:
            level = comparison.levels[comparison.level_of(query, record)]
            total += self._contribution(level, query, record)
        return total

    def explain(self, query: Keys, record: Keys) -> Candidate:
        """The pair's probability and what each field contributed to it."""
        total = self.parameters.prior_weight
        fields = []
        for comparison in self.parameters.comparisons:
            level = comparison.levels[comparison.level_of(query, record)]
            weight = self._contribution(level, query, record)
            fields.append(FieldAgreement(comparison.field, level.label, round(weight, 4)))
            total += weight
        return Candidate(record.unique_id, match_probability(total), total, tuple(fields))

    def _contribution(self, level: LevelWeight, query: Keys, record: Keys) -> float:
        """The level's weight with Splink's term-frequency adjustment: the level's u is
        replaced by how often the value occurs in the index, the other side's
        frequency standing in for a value the index does not hold."""
        if level.tf_column is None or not self._term_frequencies:
            return level.weight
        known = [
            frequency
            for frequency in (
                self._frequency(level.tf_column, getattr(query, level.tf_column)),
                self._frequency(level.tf_column, getattr(record, level.tf_column)),
            )
            if frequency is not None
        ]
        if not known:
            return level.weight
        frequency = max(*known, level.tf_minimum_u)
        return level.weight + level.tf_weight * (level.tf_log2_u - math.log2(frequency))

    def _frequency(self, column: str, value: object) -> float | None:
        if value is None:
            return None
        count = self._tf_counts[column].get(value, 0)
        return count / self._tf_totals[column] if count else None


def _weight_of(probability: float) -> float:
    if probability <= 0.0:
        return -math.inf
    if probability >= 1.0:
        return math.inf
    return math.log2(probability / (1.0 - probability))
