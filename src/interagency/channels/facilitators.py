"""Keys of a facilitator's name that stay the same across scripts and spellings.

Each agency writes a facilitator's name in its own script and transliteration
(Кадыров Рустам, Rustam Kadyrov, Qodirov Rustam). The linkage engine's name functions
already read any script and reduce a word to a consonant skeleton that these spellings
share; a name key is the pair of skeletons of the given name and the surname. The pair is
sorted, so the order a report writes the name in (and the order the parser settles on)
does not matter.

A name alone links reports only weakly: names repeat, and a facilitator's name is often
heard, not read from a document. The key is therefore kept selective: both a given name
and a surname are needed, and an initial is not a given name.
"""

from __future__ import annotations

from functools import lru_cache

from interagency.matching.features import name_features
from interagency.matching.names.parse import parse_name


@lru_cache(maxsize=1 << 18)
def name_keys(name: str) -> frozenset[str]:
    """Script-independent keys of one facilitator's name, or none when the name is a
    single word or has only an initial for a given name (too common to link on).

    >>> name_keys("Кадыров Рустам") == name_keys("Rustam Qodirov")
    True
    """
    features = name_features(parse_name(name))
    if not features.given_bk or not features.surname_bk or features.given_is_init:
        return frozenset()
    # The loose surname key also joins the г/h and initial к/г spellings of Turkic and
    # Armenian surnames (Гусейнов, Hüseynov), which the plain key keeps apart.
    surnames = {features.surname_bk, features.surname_bkl} - {""}
    return frozenset("|".join(sorted((features.given_bk, surname))) for surname in surnames)
