"""Properties of keys, similarity, parsing and fields over generated inputs."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from interagency.matching import name_similarity
from interagency.matching.fields import normalise_document, parse_birth_date
from interagency.matching.names import (
    blocking_key,
    name_keys,
    parse_name,
    transliterate,
)
from interagency.matching.names.keys import blocking_key_of_spelling

# Native-script names of the member states, written by hand for these tests.
RU_SURNAMES = (
    "Иванов",
    "Петрова",
    "Смирнов",
    "Кузнецова",
    "Соколов",
    "Лебедева",
    "Новиков",
    "Морозова",
    "Волков",
    "Соловьёв",
    "Васильев",
    "Зайцева",
    "Семёнов",
    "Виноградова",
    "Воробьёв",
    "Фёдоров",
    "Михайлова",
    "Беляев",
    "Киселёв",
    "Абдуллаев",
    "Алиев",
    "Мамедов",
    "Гусейнов",
    "Каримов",
    "Юсупов",
    "Рахимов",
    "Ахметов",
    "Хасанов",
    "Шарипов",
    "Мирзоев",
    "Джураев",
    "Щербаков",
    "Чернов",
    "Жуков",
    "Цветков",
    "Ковалевская",
    "Ельцин",
    "Юдин",
    "Ястребов",
    "Гаджиев",
    "Ходжаев",
    "Эминов",
    "Шевчук",
    "Брежнев",
    "Кузьмин",
    "Ильина",
)
RU_GIVEN = (
    "Александр",
    "Сергей",
    "Дмитрий",
    "Андрей",
    "Алексей",
    "Юрий",
    "Евгений",
    "Елена",
    "Ольга",
    "Наталья",
    "Мария",
    "Михаил",
    "Иван",
    "Николай",
    "Мухаммад",
    "Рустам",
    "Тимур",
    "Фарид",
    "Шамиль",
    "Джамшид",
    "Зухра",
    "Гульнара",
    "Ильхам",
    "Рашид",
    "Анвар",
    "Татьяна",
    "Юлия",
    "Яна",
    "Ксения",
    "Фёдор",
    "Пётр",
    "Илья",
    "Эльдар",
    "Жасур",
    "Ахмед",
)
RU_STANDARDS = ("icao", "bgn", "gost-b", "iso9", "de", "fr", "uz", "az", "kk", "tk")
UZ_NAMES = (
    "Ўктам",
    "Қодиров",
    "Ғайрат",
    "Шоҳрух",
    "Ҳасанов",
    "Нодира",
    "Тошматов",
    "Ёқубов",
    "Жасур",
    "Баҳодир",
)
KK_NAMES = (
    "Нұрсұлтан",
    "Әбенов",
    "Қайрат",
    "Ақбота",
    "Төлеген",
    "Жақсылықов",
    "Серікбаев",
    "Ерлан",
    "Бауыржан",
)
AZ_NAMES = (
    "Әлијев",
    "Һүсејнов",
    "Мәммәдов",
    "Ҹавид",
    "Гасымов",
    "Рәшад",
    "Ләјла",
    "Шаһин",
    "Гулијев",
)
HY_NAMES = (
    "Հարությունյան",
    "Գրիգորյան",
    "Սարգսյան",
    "Պետրոսյան",
    "Արամ",
    "Անահիտ",
    "Տիգրան",
    "Լուսինե",
    "Դավիթ",
)
KA_NAMES = (
    "შევარდნაძე",
    "ბერიძე",
    "მაისურაძე",
    "გელაშვილი",
    "გიორგი",
    "ნინო",
    "თამარ",
    "ლევან",
    "დავით",
)

NATIVE_AND_STANDARDS = st.one_of(
    st.tuples(
        st.builds(lambda s, g: f"{s} {g}", st.sampled_from(RU_SURNAMES), st.sampled_from(RU_GIVEN)),
        st.sampled_from(RU_STANDARDS),
    ),
    st.tuples(st.sampled_from(UZ_NAMES), st.just("uz")),
    st.tuples(st.sampled_from(KK_NAMES), st.just("kk")),
    st.tuples(st.sampled_from(AZ_NAMES), st.just("az")),
    st.tuples(st.sampled_from(HY_NAMES), st.sampled_from(("hy-bgn", "hy-iso"))),
    st.tuples(st.sampled_from(KA_NAMES), st.sampled_from(("ka-national", "ka-iso"))),
)

_CYRILLIC_CONSONANTS = "бвгджзйклмнпрстфхцчшщ"


def _spelling_gives_no_clue(native: str, standard: str, written: str) -> bool:
    """The letter values that no mark in the name can settle (see latin.py): j before
    a consonant (ж in French and Turkic alphabets, й in ISO 9 and GOST), c before a
    back vowel in ISO 9 without diacritics (ц, or к in English), c in Azerbaijani
    without Azerbaijani letters (дж, or ц), German je/ju/ja/jo, ch and x in a name
    without any German mark (е/ю/я/ё or дж; х or ч; кс or х), and ISO 9985 ow without
    any other ISO 9985 letter (ու, or German and Turkmen ов)."""
    lower = native.lower()
    if standard in ("fr", "uz", "az", "kk", "tk") and re.search(
        f"ж[{_CYRILLIC_CONSONANTS}]", lower
    ):
        return True
    if standard == "iso9" and re.search("ц[аоуы]", lower) and written.isascii():
        return True
    if (
        standard == "az"
        and ("дж" in lower or "ҹ" in lower)
        and not re.search("[əıçşğöü]", written.lower())
    ):
        return True
    if standard == "hy-iso" and "ու" in native and not re.search("[ʻēōṙġǰčšžç]", written):
        return True
    german_marks = re.search(r"w|sch|[tlfvszn]j[aeiu]", written.lower())
    return (
        standard == "de" and not german_marks and re.search(r"(^|\s)[еёюя]|х|кс", lower) is not None
    )


@settings(max_examples=200)
@given(NATIVE_AND_STANDARDS)
def test_a_native_name_written_under_any_standard_keeps_its_keys(
    case: tuple[str, str],
) -> None:
    native, standard = case
    written = transliterate(native, standard)
    assume(not _spelling_gives_no_clue(native, standard, written))
    assert name_keys(written) == name_keys(native), written


NAME_TEXT = st.text(
    alphabet=st.sampled_from(
        list("abcdefghijklmnopqrstuvwxyzəığşçöüʻ'")
        + list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяқғңұүәөһ")
        + list("աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ")
        + list("აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ")
        + [" ", "-", ".", ","]
    ),
    max_size=30,
)


@settings(max_examples=200)
@given(NAME_TEXT)
def test_blocking_keys_are_their_own_keys(text: str) -> None:
    for word in text.split():
        key = blocking_key(word)
        assert blocking_key_of_spelling(key) == key


@settings(max_examples=200)
@given(NAME_TEXT, NAME_TEXT)
def test_name_similarity_is_a_symmetric_probability(a: str, b: str) -> None:
    score = name_similarity(a, b)
    assert 0.0 <= score <= 1.0
    assert name_similarity(b, a) == score


@settings(max_examples=200)
@given(NAME_TEXT, NAME_TEXT)
def test_no_name_is_more_similar_to_a_name_than_the_name_itself(a: str, b: str) -> None:
    # Not 1.0: a calibrated probability leaves room for namesakes.
    assert name_similarity(a, a) >= name_similarity(a, b)


@settings(max_examples=200)
@given(NAME_TEXT)
def test_parsing_keeps_every_part_as_entered(text: str) -> None:
    parts = parse_name(text)
    for part in (parts.given, parts.patronymic, parts.surname):
        for word in part.split():
            assert word in text


@settings(max_examples=200)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)))
def test_every_birth_date_format_reads_the_same(day: date) -> None:
    formats = ("%Y-%m-%d", "%d.%m.%Y", "%Y%m%d")
    read = {parse_birth_date(day.strftime(f)) for f in formats}
    assert len(read) == 1
    (only,) = read
    assert only is not None
    assert only.iso == day.isoformat()


@settings(max_examples=200)
@given(st.text(max_size=20))
def test_document_normalisation_is_idempotent(value: str) -> None:
    once = normalise_document(value)
    assert normalise_document(once) == once
    assert once == once.upper()
    assert once.isascii()
