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
from typing import Any, Final

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
KeyTuple = tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    """A candidate rule `l.A = r.B and l.C = r.D ...` as its two column lists."""

    left: tuple[str, ...]
    right: tuple[str, ...]

    @property
    def is_symmetric(self) -> bool:
        return set(zip(self.left, self.right, strict=True)) == set(
            zip(self.right, self.left, strict=True)
        )


def parse_rule(rule: str) -> Rule:
    """Raises ValueError for anything but a conjunction of l/r column equalities."""
    left: list[str] = []
    right: list[str] = []
    for term in re.split(r"\s+and\s+", rule.strip(), flags=re.IGNORECASE):
        match = _EQUALITY.match(term.strip())
        if not match:
            raise ValueError(f"not a column equality: {term!r} in {rule!r}")
        left.append(match.group(1))
        right.append(match.group(2))
    return Rule(tuple(left), tuple(right))


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

    def __init__(self, model: dict[str, Any], rules: Iterable[str] = PREDICTION_BLOCKING_RULES):
        """An empty index. Raises `parameters.ModelError` for a model of other
        comparisons and ValueError for a rule that is not column equalities."""
        self.parameters: ModelParameters = model_parameters(model)
        self._rules = tuple(parse_rule(r) for r in rules)
        self._buckets: list[dict[KeyTuple, set[str]]] = [{} for _ in self._rules]
        self._records: dict[str, Keys] = {}
        self._tf_counts = {c: Counter[object]() for c in self.parameters.tf_columns}
        self._tf_totals = dict.fromkeys(self.parameters.tf_columns, 0)
        self.hints: frozenset[str] = frozenset()

    @classmethod
    def from_features(
        cls, features: pd.DataFrame, model: dict[str, Any], hints: frozenset[str] = frozenset()
    ) -> ScreeningIndex:
        """An index of every row of a feature table (`features.person_features`);
        `hints` are the given-name hints learnt from the records (`given_name_hints`),
        used to split the names of records screened or added later."""
        index = cls(model)
        index.hints = hints
        index.add_many(keys_from_row(row) for row in features.to_dict("records"))
        return index

    @classmethod
    def from_records(
        cls, records: pd.DataFrame, model: dict[str, Any], workers: int = 1
    ) -> ScreeningIndex:
        """An index of person records with our input columns (see `from_features`).
        Raises InputError for a record that cannot be read."""
        text = records.astype("string").fillna("").to_dict("records")
        hints = given_name_hints(text)
        return cls.from_features(person_features(records, workers), model, hints)

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
        """The keys under which `record` is found by `rule`, as the r side and (for a
        rule that is not symmetric) as the l side."""
        sides = (rule.right,) if rule.is_symmetric else (rule.right, rule.left)
        keys: list[KeyTuple] = []
        for columns in sides:
            key = tuple(getattr(record, c) for c in columns)
            # An equality with NULL is never true in SQL: no key, no candidate.
            if None not in key:
                keys.append(key)
        return keys

    # ------------------------------------------------------------------ queries

    def candidates(self, query: Keys) -> set[str]:
        """Ids of the indexed records that some candidate rule pairs with `query`."""
        found: set[str] = set()
        for rule, buckets in zip(self._rules, self._buckets, strict=True):
            sides = (rule.left,) if rule.is_symmetric else (rule.left, rule.right)
            for columns in sides:
                key = tuple(getattr(query, c) for c in columns)
                if None not in key:
                    found |= buckets.get(key, set())
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
        if level.tf_column is None:
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
