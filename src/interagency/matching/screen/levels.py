"""The comparison levels of `compare.py`, evaluated in Python on one pair of records.

Each function returns the index of the first level of its comparison that the pair
meets, in the order `compare.person_comparisons` lists them (0 is the null level), so
that the parameters of a saved model apply level by level. They follow the SQL the
levels compile to, including its nulls: an equality with a missing value is never
true, and the one level that negates a condition (document typo, not a consecutive
number) treats "unknown" as SQL does. `parameters.check_comparisons` refuses a model
whose levels are not these, so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Levenshtein

from interagency.matching.compare import NAME_CLOSE, NAME_SIMILAR


@dataclass(frozen=True, slots=True)
class Keys:
    """The feature columns of one record (`features.FEATURE_COLUMNS`); None is NULL."""

    unique_id: str
    given_sp: str | None
    given_bk: str | None
    given_grp: str | None
    given_init: str | None
    given_is_init: bool
    surname_sp: str | None
    surname_bk: str | None
    surname_bkl: str | None
    surname_grp: str | None
    surname_form: str | None
    father_bk: str | None
    dob: str | None
    dob_y: int | None
    dob_m: int | None
    dob_d: int | None
    passport: str | None
    passport_stem: str | None
    passport_tail: int | None
    sex: str | None
    nationality: str | None


def _eq(a: object, b: object) -> bool:
    return a is not None and b is not None and a == b


def _prefix_eq(a: str | None, b: str | None, size: int) -> bool:
    return a is not None and b is not None and a[:size] == b[:size]


def _years_apart_by_one(a: int | None, b: int | None) -> bool:
    return a is not None and b is not None and abs(a - b) == 1


def _swapped(a: Keys, b: Keys) -> bool:
    return (_eq(a.surname_bk, b.given_bk) and _prefix_eq(a.given_bk, b.surname_bk, 2)) or (
        _eq(a.given_bk, b.surname_bk) and _prefix_eq(a.surname_bk, b.given_bk, 2)
    )


def surname_level(a: Keys, b: Keys) -> int:
    if a.surname_sp is None or b.surname_sp is None:
        return 0
    if a.surname_sp == b.surname_sp:
        return 1
    same_stem = _eq(a.surname_bk, b.surname_bk)
    if (same_stem and _eq(a.surname_form, b.surname_form)) or _eq(a.surname_grp, b.surname_grp):
        return 2
    if same_stem:
        return 3
    similarity = JaroWinkler.similarity(a.surname_sp, b.surname_sp)
    if similarity >= NAME_CLOSE:
        return 4
    if _eq(a.surname_bkl, b.surname_bkl):
        return 5
    if _swapped(a, b):
        return 6
    if similarity >= NAME_SIMILAR:
        return 7
    return 8


def given_name_level(a: Keys, b: Keys) -> int:
    if a.given_sp is None or b.given_sp is None:
        return 0
    if a.given_sp == b.given_sp:
        return 1
    if _eq(a.given_grp, b.given_grp) or _eq(a.given_bk, b.given_bk):
        return 2
    if (a.given_is_init or b.given_is_init) and _eq(a.given_init, b.given_init):
        return 3
    if _swapped(a, b):
        return 4
    if JaroWinkler.similarity(a.given_sp, b.given_sp) >= NAME_SIMILAR:
        return 5
    return 6


def patronymic_level(a: Keys, b: Keys) -> int:
    if a.father_bk is None or b.father_bk is None:
        return 0
    if a.father_bk == b.father_bk:
        return 1
    if (len(a.father_bk) == 1 or len(b.father_bk) == 1) and a.father_bk[0] == b.father_bk[0]:
        return 2
    return 3


def birth_date_level(a: Keys, b: Keys) -> int:
    if a.dob_y is None or b.dob_y is None:
        return 0
    if _eq(a.dob, b.dob):
        return 1
    same_year = a.dob_y == b.dob_y
    if same_year and _eq(a.dob_m, b.dob_d) and _eq(a.dob_d, b.dob_m):
        return 2
    year_off = _years_apart_by_one(a.dob_y, b.dob_y)
    if year_off and _eq(a.dob_m, b.dob_m) and _eq(a.dob_d, b.dob_d):
        return 3
    if a.dob is not None and b.dob is not None and Levenshtein.distance(a.dob, b.dob) <= 1:
        return 4
    partial = a.dob_m is None or b.dob_m is None
    if same_year and partial:
        return 5
    if year_off and partial:
        return 6
    return 7


def _surely_not_consecutive(a: Keys, b: Keys) -> bool:
    """NOT (same stem AND last digits one apart) is true in SQL only when one of the
    two conditions is known to be false; with a missing stem or digit it is unknown."""
    stems_differ = (
        a.passport_stem is not None
        and b.passport_stem is not None
        and a.passport_stem != b.passport_stem
    )
    tails_not_adjacent = (
        a.passport_tail is not None
        and b.passport_tail is not None
        and abs(a.passport_tail - b.passport_tail) != 1
    )
    return stems_differ or tails_not_adjacent


def document_level(a: Keys, b: Keys) -> int:
    if a.passport is None or b.passport is None:
        return 0
    if a.passport == b.passport:
        return 1
    if DamerauLevenshtein.distance(a.passport, b.passport) <= 1 and _surely_not_consecutive(a, b):
        return 2
    return 3


def sex_level(a: Keys, b: Keys) -> int:
    if a.sex is None or b.sex is None:
        return 0
    return 1 if a.sex == b.sex else 2


def nationality_level(a: Keys, b: Keys) -> int:
    if a.nationality is None or b.nationality is None:
        return 0
    return 1 if a.nationality == b.nationality else 2


Level = Callable[[Keys, Keys], int]

# By the output column name of each comparison in `compare.person_comparisons`.
LEVEL_OF: Final[dict[str, Level]] = {
    "surname": surname_level,
    "given_name": given_name_level,
    "patronymic": patronymic_level,
    "birth_date": birth_date_level,
    "passport": document_level,
    "sex": sex_level,
    "nationality": nationality_level,
}
