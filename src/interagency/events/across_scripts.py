"""The spelling under which the lessons' names are indexed across scripts
(`SealedText(across_scripts=latin_spelling)`): the linkage engine's, so that the library
meets a place or a name in the same Latin letters as the cross-check of records does."""

from __future__ import annotations


def latin_spelling(word: str) -> str:
    """`matching.names.keys.spelling_key` of one word: its canonical Latin transliteration
    (Russian, Kazakh, Uzbek and other Cyrillic alphabets, Armenian, Georgian; any Latin
    standard folded to plain letters), with what transliteration standards disagree on
    written one way."""
    # Imported on first use: the linkage engine brings pandas and Splink with it, and the
    # models (migrations, every process) import this module without needing them.
    from interagency.matching.names.keys import spelling_key

    return spelling_key(word)
