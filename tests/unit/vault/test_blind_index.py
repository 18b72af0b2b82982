"""Blind-index terms: inflections meet, agencies differ, no word shows through."""

from __future__ import annotations

import re
import sys
import threading

from hypothesis import given
from hypothesis import strategies as st

from interagency.vault import blind_index

KEY_A = bytes(range(32))
KEY_B = bytes(range(1, 33))


def one_term(key: bytes, word: str) -> str:
    terms = blind_index.query_terms(key, word)
    assert len(terms) == 1, (word, terms)
    return terms[0]


def test_russian_inflections_of_one_word_give_one_term() -> None:
    forms = ["паспорт", "паспорта", "паспортов", "паспортами", "ПАСПОРТУ"]
    assert len({one_term(KEY_A, form) for form in forms}) == 1


def test_english_inflections_of_one_word_give_one_term() -> None:
    assert one_term(KEY_A, "passport") == one_term(KEY_A, "Passports")
    assert one_term(KEY_A, "forged") == one_term(KEY_A, "forging")


def test_different_words_give_different_terms() -> None:
    assert one_term(KEY_A, "паспорт") != one_term(KEY_A, "маршрут")
    assert one_term(KEY_A, "passport") != one_term(KEY_A, "паспорт")


def test_yo_and_ye_and_compatibility_forms_are_one_word() -> None:
    assert one_term(KEY_A, "ёлка") == one_term(KEY_A, "елка")
    # NFKC: the full-width Latin letters of East Asian fonts are ordinary letters.
    assert one_term(KEY_A, "ｐａｓｓｐｏｒｔ") == one_term(KEY_A, "passport")


def test_other_agencies_key_gives_other_terms() -> None:
    assert one_term(KEY_A, "паспорт") != one_term(KEY_B, "паспорт")


def test_terms_are_32_hex_characters_and_contain_no_word() -> None:
    text = "Поддельные паспорта изъяты на границе; forged passports seized at the border"
    terms = blind_index.index_terms(KEY_A, text)
    assert terms
    assert all(re.fullmatch(r"[0-9a-f]{32}", term) for term in terms)
    joined = " ".join(terms)
    for word in ("паспорт", "поддельн", "passport", "border", "границ"):
        assert word not in joined


def test_function_words_and_single_letters_give_no_terms() -> None:
    assert blind_index.query_terms(KEY_A, "и в на the of a я") == []


def test_query_terms_keep_query_order_without_repeats() -> None:
    query = "маршрут паспорт маршрута"
    assert blind_index.query_terms(KEY_A, query) == [
        one_term(KEY_A, "маршрут"),
        one_term(KEY_A, "паспорт"),
    ]


def test_numbers_and_codes_are_indexed_whole() -> None:
    # A passport number mixes letters and digits: it is matched as written, not stemmed.
    assert one_term(KEY_A, "AB1234567") == one_term(KEY_A, "ab1234567")
    assert one_term(KEY_A, "AB1234567") != one_term(KEY_A, "AB1234568")


def test_a_text_is_found_by_each_of_its_words() -> None:
    text = "Запрос о серии поддельных паспортов"
    terms = blind_index.index_terms(KEY_A, text)
    assert one_term(KEY_A, "паспорт") in terms
    assert one_term(KEY_A, "поддельный") in terms
    assert one_term(KEY_A, "серия") in terms
    assert one_term(KEY_A, "маршрут") not in terms


@given(st.text(max_size=200))
def test_every_query_term_of_a_text_is_among_its_index_terms(text: str) -> None:
    assert set(blind_index.query_terms(KEY_A, text)) <= blind_index.index_terms(KEY_A, text)


def test_threads_stemming_at_once_get_the_stems_each_would_get_alone() -> None:
    # Requests are served on a pool of threads; a stemmer shared between them mixes up
    # the words it is given. Stemming without the cache makes each call reach a stemmer.
    words = [
        base + ending
        for base in ("паспорт", "маршрут", "контрабандист", "безопасност", "соревновани")
        for ending in ("", "а", "ов", "ами", "ах", "ом", "у", "ы", "ей", "ям")
    ] + ["passports", "forging", "smugglers", "competitions", "returning", "routes"]
    alone = {word: blind_index.stem.__wrapped__(word) for word in words}
    seen: list[tuple[str, str | None]] = []
    failures: list[BaseException] = []

    def stem_all() -> None:
        try:
            for _ in range(200):
                seen.extend((word, blind_index.stem.__wrapped__(word)) for word in words)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        workers = [threading.Thread(target=stem_all) for _ in range(6)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    finally:
        sys.setswitchinterval(switch)
    assert failures == []
    assert len(seen) == 6 * 200 * len(words)
    assert [pair for pair in seen if pair[1] != alone[pair[0]]] == []
