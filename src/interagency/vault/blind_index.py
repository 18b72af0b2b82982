"""Blind index: searchable terms of sealed text that reveal no word of it.

A text is normalised (NFKC, case folded, ё written е), split into word tokens, and each
token reduced to its stem (Snowball Russian for Cyrillic words, English for Latin ones),
so that "паспорт", "паспорта" and "паспортов" meet. Very short tokens and function words
are left out. Each stem becomes a term: HMAC-SHA-256 under the agency's index key,
truncated to 16 bytes (hex). Equal stems give equal terms within one agency and unrelated
terms across agencies; without the key, a term cannot be turned back into its word, and
the database holds only terms.

This module is pure: it knows nothing of keys' storage or the database.
"""

from __future__ import annotations

import hmac
import re
import threading
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache
from importlib import resources

import snowballstemmer

TERM_BYTES = 16
MIN_TOKEN_LENGTH = 2

# Letters and digits of any script; "_" and punctuation separate words.
_WORD = re.compile(r"[^\W_]+")
_CYRILLIC = re.compile(r"[\u0400-\u052f]+")
_LATIN = re.compile(r"[a-z\u00df-\u024f]+")


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


def term(index_key: bytes, token: str) -> str:
    """The keyed, deterministic, non-reversible term of one stem (32 hex characters)."""
    digest = hmac.digest(index_key, token.encode("utf-8"), "sha256")
    return digest[:TERM_BYTES].hex()


def index_terms(index_key: bytes, text: str) -> set[str]:
    """The set of terms of a text, as stored in an index."""
    return {term(index_key, token) for token in set(tokens(text))}


def query_terms(index_key: bytes, query: str) -> list[str]:
    """The terms of a search query, one per indexed word, in order and without repeats.

    Function words and one-letter words give no term; a query made only of them gives
    an empty list, which callers should treat as "nothing to search for".
    """
    return list(dict.fromkeys(term(index_key, token) for token in tokens(query)))
