"""Blind index: searchable terms of sealed text that reveal no word of it.

A text is normalised (NFKC, case folded, ё written е), split into word tokens, and each
token reduced to its stem (Snowball Russian for Cyrillic words, English for Latin ones),
so that "паспорт", "паспорта" and "паспортов" meet. Very short tokens and function words
are left out. Each stem becomes a term: HMAC-SHA-256 under the agency's index key,
truncated to 16 bytes (hex). Equal stems give equal terms within one agency and unrelated
terms across agencies; without the key, a term cannot be turned back into its word, and
the database holds only terms.

A text indexed *across scripts* also gets, for each of its names, a term under which the
name's spellings in other scripts and transliteration standards meet (`crossing_key`,
with a transliterating spelling the caller gives, since the vault imports no engine):
"Ташкент", "Tashkent" and "Toshkent", "Алматы" and "Almaty", "Баку", "Baku" and "Bakı",
"Ереван" and "Երևան", "Тбилиси" and "თბილისი". Such a key is looser than a stem (it
keeps the consonants and only the places of the vowels), so only names are given one:
words written with a capital letter, and every word of Georgian, which has none; a word
in lower case keeps its stem term alone. A query's words are looked up under both their
stem term and their cross-script term, whatever their case.

This module is pure: it knows nothing of keys' storage or the database.
"""

from __future__ import annotations

import hmac
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from importlib import resources

import snowballstemmer

TERM_BYTES = 16
MIN_TOKEN_LENGTH = 2

# Letters and digits of any script; "_" and punctuation separate words.
_WORD = re.compile(r"[^\W_]+")
_CYRILLIC = re.compile(r"[\u0400-\u052f]+")
_LATIN = re.compile(r"[a-z\u00df-\u024f]+")
# Georgian is written without capitals: its lower-case letters may begin a name.
_GEORGIAN = re.compile(r"[\u10d0-\u10ff\u1c90-\u1cbf]")
# Marks a cross-script key apart from a stem, so that the two never give the same term.
_ACROSS = "across:"
_VOWELS = re.compile(r"[aeiou]+")

# A word's spelling in plain Latin letters, whatever script or standard it was written in.
Spelling = Callable[[str], str]


@cache
def _stop_words() -> frozenset[str]:
    words: set[str] = set()
    for name in ("stopwords-ru.txt", "stopwords-en.txt"):
        text = resources.files("interagency.vault").joinpath("data", name).read_text("utf-8")
        words.update(line.strip() for line in text.splitlines() if line.strip() and line[0] != "#")
    return frozenset(words)


# A Snowball stemmer keeps the word it works on in the object itself: two threads sharing
# one would stem each other's words (or fail with IndexError). Requests are served on a
# pool of threads, so each thread has its own pair.
_per_thread = threading.local()


def _stemmers() -> tuple[snowballstemmer.Stemmer, snowballstemmer.Stemmer]:
    pair: tuple[snowballstemmer.Stemmer, snowballstemmer.Stemmer] | None = getattr(
        _per_thread, "stemmers", None
    )
    if pair is None:
        pair = snowballstemmer.stemmer("russian"), snowballstemmer.stemmer("english")
        _per_thread.stemmers = pair
    return pair


def normalise(text: str) -> str:
    """NFKC, case folded, ё as е: the form in which texts are compared."""
    return unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str | None:
    """The index form of one normalised word, or None when it is not worth indexing."""
    if len(word) < MIN_TOKEN_LENGTH or word in _stop_words():
        return None
    russian, english = _stemmers()
    # A word of one script only is stemmed in that script's language; mixed words,
    # numbers and codes (e.g. passport numbers) are kept whole.
    if _CYRILLIC.fullmatch(word):
        stemmed: str = russian.stemWord(word)
    elif _LATIN.fullmatch(word):
        stemmed = english.stemWord(word)
    else:
        return word
    return stemmed or word


def tokens(text: str) -> Iterator[str]:
    """The stems of `text`, in order, repeats included."""
    for match in _WORD.finditer(normalise(text)):
        stemmed = stem(match.group())
        if stemmed is not None:
            yield stemmed


@lru_cache(maxsize=200_000)
def crossing_key(word: str, spelling: Spelling) -> str | None:
    """The key under which one normalised word meets its spellings in other scripts and
    transliteration standards, or None for a word that is not all letters.

    It is the word's `spelling` (the caller's: e.g. the linkage engine's spelling key,
    the canonical Latin transliteration of Cyrillic, Kazakh, Uzbek, Azerbaijani,
    Armenian and Georgian letters with what Latin standards disagree on folded away)
    with each run of vowels written as one mark: Uzbek writes o where Russian writes а
    (Toshkent, Ташкент), and a Kazakh ending differs from the Russian one by its vowel
    (Қарағанды, Караганда).
    """
    if not word.isalpha():
        return None
    key = _VOWELS.sub(".", spelling(word))
    # A key of vowels alone would join every short word made of them.
    if not key.isascii() or not key.strip("."):
        return None
    return key


def _is_name(word: str) -> bool:
    return not word[0].islower() or _GEORGIAN.match(word) is not None


def crossing_tokens(text: str, spelling: Spelling) -> Iterator[str]:
    """The cross-script tokens of the names in `text` (see the module's documentation),
    repeats included: the key of each name as written and of its stem, so that a Russian
    name in another case ("в Ташкенте", "Ташкентом") meets the name (Tashkent)."""
    for match in _WORD.finditer(unicodedata.normalize("NFKC", text)):
        if not _is_name(match.group()):
            continue
        # Split again once folded, as a query is (case folding may part a word: İ).
        for word in _WORD.findall(normalise(match.group())):
            stemmed = stem(word)
            if stemmed is None:
                continue
            for form in (word, stemmed):
                key = crossing_key(form, spelling)
                if key is not None:
                    yield _ACROSS + key


def term(index_key: bytes, token: str) -> str:
    """The keyed, deterministic, non-reversible term of one stem (32 hex characters)."""
    digest = hmac.digest(index_key, token.encode("utf-8"), "sha256")
    return digest[:TERM_BYTES].hex()


def index_terms(index_key: bytes, text: str, *, across_scripts: Spelling | None = None) -> set[str]:
    """The set of terms of a text, as stored in an index; `across_scripts` adds those of
    its names' cross-script keys, made with that spelling."""
    found = set(tokens(text))
    if across_scripts is not None:
        found.update(crossing_tokens(text, across_scripts))
    return {term(index_key, token) for token in found}


def query_terms(
    index_key: bytes, query: str, *, across_scripts: Spelling | None = None
) -> list[str]:
    """The terms of a search query, one per indexed word, in order and without repeats.

    Function words and one-letter words give no term; a query made only of them gives
    an empty list, which callers should treat as "nothing to search for". With
    `across_scripts` (the spelling the text was indexed with), each word's stem term is
    followed by its cross-script term, and a text indexed across scripts has the word
    when it has either: search word by word.
    """
    found: list[str] = []
    for match in _WORD.finditer(normalise(query)):
        stemmed = stem(match.group())
        if stemmed is None:
            continue
        found.append(stemmed)
        if across_scripts is None:
            continue
        # The word as typed, not its stem: a stem cut of its vowel ending ("бак" of
        # "Баку") would also find other names (a "Back" that begins a sentence).
        key = crossing_key(match.group(), across_scripts)
        if key is not None:
            found.append(_ACROSS + key)
    return list(dict.fromkeys(term(index_key, token) for token in found))
