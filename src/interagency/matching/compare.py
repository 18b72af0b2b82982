"""Field comparisons: what it means for two records to agree on a name, a date, a
document, a country or a sex.

The Splink comparisons below are written against the feature columns of
`features.py` with Splink's dialect-aware levels (Jaro-Winkler, Levenshtein) and
portable SQL, so the same model runs on DuckDB and on Spark. `screen.levels` evaluates
the same levels in Python for one pair at a time, and `names_alone` scores two names
with their weights when nothing else is known.
"""

from __future__ import annotations

from typing import Any, Final

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink.internals.comparison_creator import ComparisonCreator

# Jaro-Winkler thresholds on spelling keys; below 0.88 different names start to agree.
NAME_CLOSE: Final = 0.92
NAME_SIMILAR: Final = 0.88


_CONSECUTIVE_DOCUMENTS: Final = (
    "passport_stem_l = passport_stem_r and abs(passport_tail_l - passport_tail_r) = 1"
)


def _popularity(column: str) -> dict[str, Any]:
    """Term-frequency adjustment on the coarsest key of a name, so that a name counts
    as popular however each agency happened to spell it."""
    return {"tf_adjustment_column": column, "disable_tf_exact_match_detection": True}


def _cross(a: str, b: str, *, loose: bool) -> str:
    # A typo in one of the swapped words: its blocking key starts the same way.
    if loose:
        return f"substr({a}_l, 1, 2) = substr({b}_r, 1, 2)"
    return f"{a}_l = {b}_r"


# Given name and surname in each other's fields (order a parser could not settle);
# one of the two may carry a typo.
_SWAPPED: Final = (
    f"(({_cross('surname_bk', 'given_bk', loose=False)} and "
    f"{_cross('given_bk', 'surname_bk', loose=True)}) or "
    f"({_cross('given_bk', 'surname_bk', loose=False)} and "
    f"{_cross('surname_bk', 'given_bk', loose=True)}))"
)


def surname_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="surname",
        comparison_description="surname: spelling, gender form, typos, swapped fields",
        comparison_levels=[
            cll.NullLevel("surname_sp"),
            cll.ExactMatchLevel("surname_sp").configure(**_popularity("surname_bk")),
            cll.Or(
                cll.And(
                    cll.ExactMatchLevel("surname_bk"),
                    cll.ExactMatchLevel("surname_form"),
                ),
                # Гусейнов/Hüseynov: Russian writes г for the h of Turkic names.
                cll.ExactMatchLevel("surname_grp"),
            ).configure(
                label_for_charts="same surname in another standard", **_popularity("surname_bk")
            ),
            cll.ExactMatchLevel("surname_bk").configure(
                label_for_charts="same stem, other gender form (Ivanov/Ivanova)",
                **_popularity("surname_bk"),
            ),
            cll.JaroWinklerLevel("surname_sp", NAME_CLOSE),
            cll.ExactMatchLevel("surname_bkl").configure(
                label_for_charts="same surname up to г/h (Гусейнов/Hüseynov)"
            ),
            cll.CustomLevel(_SWAPPED, label_for_charts="given name and surname swapped"),
            cll.JaroWinklerLevel("surname_sp", NAME_SIMILAR),
            cll.ElseLevel(),
        ],
    )


def given_name_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="given_name",
        comparison_description="given name: spelling, name groups, initials",
        comparison_levels=[
            cll.NullLevel("given_sp"),
            cll.ExactMatchLevel("given_sp").configure(**_popularity("given_grp")),
            cll.Or(
                cll.ExactMatchLevel("given_grp"),
                cll.ExactMatchLevel("given_bk"),
            ).configure(
                label_for_charts="same name in another form (Muhammad/Magomed)",
                **_popularity("given_grp"),
            ),
            cll.CustomLevel(
                "(given_is_init_l or given_is_init_r) and given_init_l = given_init_r",
                label_for_charts="initial fits",
            ),
            cll.CustomLevel(_SWAPPED, label_for_charts="given name and surname swapped"),
            cll.JaroWinklerLevel("given_sp", NAME_SIMILAR),
            cll.ElseLevel(),
        ],
    )


def patronymic_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="patronymic",
        comparison_description="father's name inside the patronymic or Turkic marker",
        comparison_levels=[
            cll.NullLevel("father_bk"),
            cll.ExactMatchLevel("father_bk").configure(**_popularity("father_bk")),
            cll.CustomLevel(
                "(length(father_bk_l) = 1 or length(father_bk_r) = 1) "
                "and substr(father_bk_l, 1, 1) = substr(father_bk_r, 1, 1)",
                label_for_charts="initial fits",
            ),
            cll.ElseLevel(),
        ],
    )


def birth_date_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_description="birth date: exact, swapped, typo, ±1 year, partial",
        comparison_levels=[
            cll.NullLevel("dob_y"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel(
                "dob_y_l = dob_y_r and dob_m_l = dob_d_r and dob_d_l = dob_m_r",
                label_for_charts="day and month swapped",
            ),
            cll.CustomLevel(
                "abs(dob_y_l - dob_y_r) = 1 and dob_m_l = dob_m_r and dob_d_l = dob_d_r",
                label_for_charts="year ±1",
            ),
            cll.LevenshteinLevel("dob", 1).configure(label_for_charts="one typo"),
            cll.CustomLevel(
                "dob_y_l = dob_y_r and (dob_m_l is null or dob_m_r is null)",
                label_for_charts="same year, one date partial",
            ),
            cll.CustomLevel(
                "abs(dob_y_l - dob_y_r) = 1 and (dob_m_l is null or dob_m_r is null)",
                label_for_charts="year ±1, one date partial",
            ),
            cll.ElseLevel(),
        ],
    )


def document_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="passport",
        comparison_description="document number: exact or one typo",
        comparison_levels=[
            cll.NullLevel("passport"),
            cll.ExactMatchLevel("passport"),
            # Consecutive numbers are not a typo but another document of the same
            # issue, typically a family member's: they fall through to "different".
            cll.And(
                cll.DamerauLevenshteinLevel("passport", 1),
                cll.Not(cll.CustomLevel(_CONSECUTIVE_DOCUMENTS)),
            ).configure(label_for_charts="one edit (typo)"),
            cll.ElseLevel(),
        ],
    )


def sex_comparison() -> ComparisonCreator:
    return cl.ExactMatch("sex")


def nationality_comparison() -> ComparisonCreator:
    return cl.ExactMatch("nationality")


def person_comparisons() -> list[ComparisonCreator]:
    """All comparisons of the person model, most informative first."""
    return [
        surname_comparison(),
        given_name_comparison(),
        patronymic_comparison(),
        birth_date_comparison(),
        document_comparison(),
        sex_comparison(),
        nationality_comparison(),
    ]
