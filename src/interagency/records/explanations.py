"""A hit's explanation in words a person can check, in the reader's language.

A person hit stores, per field, the comparison level the pair met (the label the model
gives it: English, and for Splink's own levels technical) and its weight; an identifier
hit stores the identifier the two records share, with no weight. Here each level
becomes a phrase, and each weight a phrase for how far it moves the verdict, with the
number kept beside it so that the words can be checked against it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import isfinite
from typing import Any, Final

from interagency.i18n import gettext, lazy
from interagency.records.labels import label

# The fields as a row of the explanation names them; the records' form labels carry
# input hints ("Sex (M or F)") that mean nothing here.
FIELDS: Final[dict[str, str]] = {
    "surname": lazy("Surname"),
    "given_name": lazy("Given name"),
    "patronymic": lazy("Patronymic"),
    "birth_date": lazy("Date of birth"),
    "passport": lazy("Passport number"),
    "sex": lazy("Sex"),
    "nationality": lazy("Citizenship"),
    "document": lazy("Identity document"),
    "vin": lazy("Vehicle identification number"),
    "plate": lazy("Registration plate"),
    "phone": lazy("Phone number"),
    "imei": lazy("Handset IMEI"),
    "registration": lazy("Registration number"),
}

# By field and the level's label as the engine stores it: the person model's levels
# (`matching.compare.person_comparisons`, the shipped model's `label_for_charts`) and the
# identifiers of `records.comparison`. The same label means different things in
# different fields ("All other comparisons" is "surnames differ" or "birth dates differ"),
# hence the field in the key. A test holds this table to the shipped model.
LEVELS: Final[dict[tuple[str, str], str]] = {
    ("surname", "surname_sp is NULL"): lazy("no surname on one side or both"),
    ("surname", "Exact match on surname_sp"): lazy("same surname"),
    ("surname", "same surname in another standard"): lazy("same surname in another standard"),
    ("surname", "same stem, other gender form (Ivanov/Ivanova)"): lazy(
        "same surname in another gender form (Ivanov/Ivanova)"
    ),
    ("surname", "Jaro-Winkler distance of surname_sp >= 0.92"): lazy(
        "surnames nearly alike (a letter or two apart)"
    ),
    ("surname", "same surname up to г/h (Гусейнов/Hüseynov)"): lazy(
        "same surname when г and h are read alike (Гусейнов/Hüseynov)"
    ),
    ("surname", "given name and surname swapped"): lazy("given name and surname swapped"),
    ("surname", "Jaro-Winkler distance of surname_sp >= 0.88"): lazy("surnames somewhat alike"),
    ("surname", "All other comparisons"): lazy("surnames differ"),
    ("given_name", "given_sp is NULL"): lazy("no given name on one side or both"),
    ("given_name", "Exact match on given_sp"): lazy("same given name"),
    ("given_name", "same name in another form (Muhammad/Magomed)"): lazy(
        "same given name in another form (Muhammad/Magomed)"
    ),
    ("given_name", "initial fits"): lazy("an initial fits the given name"),
    ("given_name", "given name and surname swapped"): lazy("given name and surname swapped"),
    ("given_name", "Jaro-Winkler distance of given_sp >= 0.88"): lazy("given names alike"),
    ("given_name", "All other comparisons"): lazy("given names differ"),
    ("patronymic", "father_bk is NULL"): lazy("no patronymic on one side or both"),
    ("patronymic", "Exact match on father_bk"): lazy("same father's name in the patronymic"),
    ("patronymic", "initial fits"): lazy("an initial fits the patronymic"),
    ("patronymic", "All other comparisons"): lazy("patronymics differ"),
    ("birth_date", "dob_y is NULL"): lazy("no birth date on one side or both"),
    ("birth_date", "Exact match on dob"): lazy("same birth date"),
    ("birth_date", "day and month swapped"): lazy("same birth date with day and month swapped"),
    ("birth_date", "year ±1"): lazy("same day and month, years one apart"),
    ("birth_date", "one typo"): lazy("birth dates differ in one digit"),
    ("birth_date", "same year, one date partial"): lazy(
        "same year of birth, one date without day or month"
    ),
    ("birth_date", "year ±1, one date partial"): lazy(
        "years of birth one apart, one date without day or month"
    ),
    ("birth_date", "All other comparisons"): lazy("birth dates differ"),
    ("passport", "passport is NULL"): lazy("no document number on one side or both"),
    ("passport", "Exact match on passport"): lazy("same document number"),
    ("passport", "one edit (typo)"): lazy("document numbers one typo apart"),
    ("passport", "All other comparisons"): lazy("document numbers differ"),
    ("sex", "sex is NULL"): lazy("sex not known on one side or both"),
    ("sex", "Exact match on sex"): lazy("same sex"),
    ("sex", "All other comparisons"): lazy("sex differs"),
    ("nationality", "nationality is NULL"): lazy("no citizenship on one side or both"),
    ("nationality", "Exact match on nationality"): lazy("same citizenship"),
    ("nationality", "All other comparisons"): lazy("citizenships differ"),
    ("document", "same document number and issuing country"): lazy(
        "same document number and issuing country"
    ),
    ("vin", "same vehicle identification number"): lazy("same vehicle identification number"),
    ("plate", "same registration plate and country"): lazy("same registration plate and country"),
    ("phone", "same phone number"): lazy("same phone number"),
    ("imei", "same handset (IMEI)"): lazy("same handset (IMEI)"),
    ("registration", "same registration number and country"): lazy(
        "same registration number and country"
    ),
}

# A weight is log2 of the field's Bayes factor: how many times likelier the level is
# between records of the same person than between two strangers' (+1 doubles the odds of
# a match, -1 halves them). Bands by size, the same on both sides of zero:
#   under 0.5   (a factor under 1.4)  too little to count either way; a missing value is 0;
#   0.5 to 2    (up to 4 times)       slightly: sex agreeing (about +1) is here;
#   2 to 5      (up to 32 times)      plainly: citizenship agreeing, a similar name;
#   5 and over  (32 times and more)   strongly: a name, birth date or document agreeing,
#                                     or differing.
# A hit needs its fields together to overcome odds of about 1 in 20,000 against any two
# records (the shipped model's prior), so only the strong bands decide one on their own.
# The band is taken of the weight as shown, rounded to one decimal, so words and number
# never disagree on the page.
_BANDS: Final[tuple[tuple[float, str, str], ...]] = (
    (5.0, lazy("counts strongly for the match"), lazy("counts strongly against the match")),
    (2.0, lazy("counts for the match"), lazy("counts against the match")),
    (0.5, lazy("counts slightly for the match"), lazy("counts slightly against the match")),
)
_NEUTRAL: Final = lazy("counts neither for nor against")
# An identifier hit rests on the identifier itself, which has no weight to show.
_UNWEIGHED: Final = lazy("not weighed")


@dataclass(frozen=True, slots=True)
class Row:
    """One field of the explanation, ready to show."""

    field: str  # the field's name
    compared: str  # what the comparison found, e.g. "birth dates differ"
    verdict: str  # what the weight means, e.g. "counts strongly for the match"
    weight: str | None  # the weight rounded, with its sign, e.g. "+11.1"; None if not weighed


def explain(entries: Sequence[Mapping[str, Any]] | None) -> list[Row]:
    """The rows of a stored explanation in the current language. A field or level these
    words do not know (a hit stored by an older engine) is shown as it was stored."""
    return [_row(entry) for entry in entries or ()]


def _row(entry: Mapping[str, Any]) -> Row:
    field = str(entry.get("field") or "")
    level = str(entry.get("level") or "")
    name = FIELDS.get(field)
    phrase = LEVELS.get((field, level))
    verdict, weight = weighed(entry.get("weight"))
    return Row(
        field=gettext(name) if name else label(field or None),
        compared=gettext(phrase) if phrase else level or "—",
        verdict=verdict,
        weight=weight,
    )


def weighed(weight: object) -> tuple[str, str | None]:
    """What a stored weight means in words, and the weight as shown beside them."""
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not isfinite(weight):
        return gettext(_UNWEIGHED), None
    shown = round(float(weight), 1)
    number = f"{shown:+.1f}" if shown else "0.0"
    for size, towards, against in _BANDS:
        if abs(shown) >= size:
            return gettext(towards if shown > 0 else against), number
    return gettext(_NEUTRAL), number
