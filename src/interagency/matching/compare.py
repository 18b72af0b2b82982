"""Field comparisons: what it means for two records to agree on a name, a date, a
document, a country or a sex.

The Splink comparisons below are written against the feature columns of
`features.py` with Splink's dialect-aware levels (Jaro-Winkler, Levenshtein) and
portable SQL, so the same model runs on DuckDB and on Spark. `name_similarity` is
the same idea for two names in Python, for screening one record at a time.
"""

from __future__ import annotations

from typing import Any, Final

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from rapidfuzz.distance import JaroWinkler
from splink.internals.comparison_creator import ComparisonCreator

from interagency.matching.names.canonical import to_latin
from interagency.matching.names.groups import group_of_spelling
from interagency.matching.names.keys import blocking_key_of_spelling, spelling_key
from interagency.matching.names.parse import marker_gender

# Jaro-Winkler thresholds on spelling keys; below 0.88 different names start to agree.
NAME_CLOSE: Final = 0.92
NAME_SIMILAR: Final = 0.88


def name_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two personal names (whole names or single parts)
    written in any supported script or standard, in any order.

    Each word of the shorter name is paired with its best unused counterpart: 1 for
    the same name in another spelling or form (Muhammad/Magomed), 0.9 for an initial
    that fits, otherwise Jaro-Winkler of the spelling keys. Missing words cost a little,
    because partial names are common and still the same person.
    """
    words_a = _name_words(a)
    words_b = _name_words(b)
    if not words_a or not words_b:
        return 0.0
    short, long_ = sorted((words_a, words_b), key=len)
    unused = list(long_)
    total = 0.0
    for word in short:
        scores = [_word_similarity(word, other) for other in unused]
        best = max(range(len(unused)), key=scores.__getitem__)
        total += scores[best]
        unused.pop(best)
    coverage = len(short) / len(long_)
    return round(total / len(short) * (0.85 + 0.15 * coverage), 6)


def _name_words(name: str) -> list[str]:
    entered = name.replace(",", " ").split()
    # Turkic patronymic markers (oğlu, qızı) say nothing about who the person is,
    # unless nothing else was written.
    words = [w for w in entered if not marker_gender(w)] or entered
    return [spelling_key(w) for w in to_latin(" ".join(words)).split() if w]


def _word_similarity(a: str, b: str) -> float:
    if a == b or group_of_spelling(a) == group_of_spelling(b):
        return 1.0
    if len(a) == 1 or len(b) == 1:
        return 0.9 if a[0] == b[0] else 0.0
    score = JaroWinkler.similarity(a, b)
    if blocking_key_of_spelling(a) == blocking_key_of_spelling(b):
        score = max(score, 0.9)
    return float(score)


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
