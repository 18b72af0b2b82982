"""The candidate rules' keys of one person as text, for an index kept in a database
rather than in memory (`screening.keys` stores them only as keyed hashes).

A query finds, through the keys of `lookup_keys`, exactly the persons that
`ScreeningIndex.candidates` pairs with it: each key names its oriented rule, the rule's
values, and for a rule with a filter of missing values whether the stored person lacks
one (a query that lacks one of its own looks both up, one that does not only the
persons that lack theirs).
"""

from __future__ import annotations

import json
from functools import cache
from json.encoder import encode_basestring

from interagency.matching.model import PREDICTION_BLOCKING_RULES
from interagency.matching.screen.index import Rule, parse_rule
from interagency.matching.screen.levels import Keys


@cache
def oriented_rules() -> tuple[Rule, ...]:
    """The model's candidate rules, a rule that is not symmetric in both orientations
    (as `ScreeningIndex` orients them)."""
    return tuple(
        oriented
        for rule in map(parse_rule, PREDICTION_BLOCKING_RULES)
        for oriented in ((rule,) if rule.is_symmetric else (rule, rule.swapped()))
    )


def stored_keys(person: Keys) -> set[str]:
    """The keys under which `person` is found, as the r record of each rule."""
    keys = set()
    for number, rule in enumerate(oriented_rules()):
        values = tuple(getattr(person, column) for column in rule.right)
        if None in values:
            continue  # an equality with NULL is never true: no key, no candidate
        lacking = _lacks(person, rule, "r") if rule.either_missing else None
        keys.add(_key(number, values, lacking))
    return keys


def lookup_keys(query: Keys) -> set[str]:
    """The keys that find the persons some rule pairs with `query`, as its l record."""
    keys = set()
    for number, rule in enumerate(oriented_rules()):
        values = tuple(getattr(query, column) for column in rule.left)
        if None in values:
            continue
        if not rule.either_missing:
            keys.add(_key(number, values, None))
            continue
        keys.add(_key(number, values, True))
        if _lacks(query, rule, "l"):
            keys.add(_key(number, values, False))
    return keys


def _lacks(person: Keys, rule: Rule, side: str) -> bool:
    return any(getattr(person, column) is None for column in _filtered(rule, side))


@cache
def _filtered(rule: Rule, side: str) -> tuple[str, ...]:
    """The columns of `side` in the rule's filter of missing values (a day's manifest asks
    for each row's keys, so they are picked out once)."""
    return tuple(column for s, column in rule.either_missing if s == side)


_LACKING = {None: "null", True: "true", False: "false"}


def _key(number: int, values: tuple[object, ...], lacking: bool | None) -> str:
    """`[number, values, lacking]` as compact JSON, exactly as `json.dumps` writes it
    (stored keys are keyed hashes of this text), written directly: a day's manifest asks
    for some twenty keys a row, and `json.dumps` with arguments builds an encoder each."""
    return f"[{number},[{','.join(map(_value, values))}],{_LACKING[lacking]}]"


def _value(value: object) -> str:
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
