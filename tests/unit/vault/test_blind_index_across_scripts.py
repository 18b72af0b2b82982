"""Blind-index terms across scripts: a name meets its spellings in other scripts and
standards, lower-case words keep their stems alone, and nothing else changes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interagency.events.across_scripts import latin_spelling
from interagency.vault import blind_index
from interagency.vault.columns import SealedText

KEY_A = bytes(range(32))
KEY_B = bytes(range(1, 33))


def found(text: str, query: str, key: bytes = KEY_A) -> bool:
    """Whether a text indexed across scripts has every word of `query`, each by its stem
    or by its cross-script term, as a search looks them up word by word."""
    index = blind_index.index_terms(key, text, across_scripts=latin_spelling)
    words = re.findall(r"[^\W_]+", query)
    return all(
        set(blind_index.query_terms(key, word, across_scripts=latin_spelling)) & index
        for word in words
    )


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Досмотр багажа в Ташкенте", "Tashkent"),
        ("Досмотр багажа в Ташкенте", "Toshkent"),
        ("Toshkent shahridagi stadion", "Ташкент"),
        ("Tashkent airport", "ташкент"),
        ("Очереди в Алматы", "Almaty"),
        ("Queues in Almaty", "алматы"),
        ("Ворота арены в Баку", "Baku"),
        ("Bakı Olimpiya Stadionu", "Баку"),
        ("The Baku arena", "Bakı"),
        ("Учения в Қарағанды", "Караганда"),
        ("Учения в Караганде", "Қарағанды"),
        ("Учения в Караганде", "Karaganda"),
        ("Ақтөбе", "Aktobe"),
        ("Երևան", "Ереван"),
        ("Yerevan", "Երևան"),
        ("თბილისი", "Тбилиси"),
        ("Tbilisi", "თბილისი"),
        ("Штаб в Ташкентом", "Tashkent"),  # a consonant ending: its stem meets the name
        ("Gəncə", "Гянджа"),
    ],
)
def test_a_name_is_found_by_its_spelling_in_another_script(text: str, query: str) -> None:
    assert found(text, query)


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Досмотр багажа в Ташкенте", "Moscow"),
        ("Досмотр багажа в Ташкенте", "Samarkand"),
        ("Queues in Almaty", "Астана"),
        ("Keep the back gate closed", "Баку"),  # a word in lower case is no name
        ("Back gates stay closed", "Баку"),  # "b.k" is not "b.k.": the vowel ending counts
        ("Учения в Караганде", "Kazan"),
    ],
)
def test_an_unrelated_word_finds_nothing(text: str, query: str) -> None:
    assert not found(text, query)


def test_inflections_still_meet_and_lower_case_words_keep_their_stems_alone() -> None:
    text = "Досмотр багажа в Ташкенте; screened bags"
    assert found(text, "досмотра")
    assert found(text, "screening")
    # "багажа" is in lower case: its Latin spelling is not a name of it
    assert not found(text, "bagazh")
    assert found(text, "багаж")


def test_georgian_has_no_capitals_so_its_words_are_names() -> None:
    assert found("სტადიონი დინამო არენა", "Dinamo")


def test_without_the_option_the_terms_are_the_stems_alone() -> None:
    text = "Досмотр багажа в Ташкенте; the Baku arena"
    stems = {blind_index.term(KEY_A, token) for token in blind_index.tokens(text)}
    assert blind_index.index_terms(KEY_A, text) == stems
    across = blind_index.index_terms(KEY_A, text, across_scripts=latin_spelling)
    assert across > stems
    assert blind_index.query_terms(KEY_A, "Ташкент Baku") == [
        blind_index.term(KEY_A, "ташкент"),
        blind_index.term(KEY_A, "baku"),
    ]


def test_cross_script_terms_are_keyed_hashes_and_differ_between_agencies() -> None:
    text = "Досмотр багажа в Ташкенте"
    terms = blind_index.index_terms(KEY_A, text, across_scripts=latin_spelling)
    assert all(re.fullmatch(r"[0-9a-f]{32}", term) for term in terms)
    joined = " ".join(terms)
    for clear in ("ташкент", "tashkent", "t.shk.nt", "across"):
        assert clear not in joined
    other = blind_index.index_terms(KEY_B, text, across_scripts=latin_spelling)
    assert not terms & other
    by_other = blind_index.query_terms(KEY_B, "Tashkent", across_scripts=latin_spelling)
    assert not set(by_other) & terms


def test_a_cross_script_term_is_marked_apart_from_a_stem_spelt_alike() -> None:
    # a word without vowels has a key spelt as its stem ("brzg"): two terms all the same
    assert found("Brzg", "brzg")
    assert len(blind_index.index_terms(KEY_A, "Brzg", across_scripts=latin_spelling)) == 2


def test_only_a_searchable_text_is_indexed_across_scripts() -> None:
    with pytest.raises(TypeError):
        SealedText[str](across_scripts=latin_spelling)


@given(st.text(max_size=60))
def test_any_text_keeps_its_stem_terms_and_gives_only_hashes(text: str) -> None:
    plain = blind_index.index_terms(KEY_A, text)
    across = blind_index.index_terms(KEY_A, text, across_scripts=latin_spelling)
    assert plain <= across
    assert all(re.fullmatch(r"[0-9a-f]{32}", term) for term in across)
    # a name of the text is found by itself, written in any case
    for word in re.findall(r"[^\W_]+", text):
        if word[0].isupper():
            query = blind_index.query_terms(KEY_A, word.lower(), across_scripts=latin_spelling)
            assert set(query) <= across
