"""Transliteration tables against examples written from the published standards."""

from __future__ import annotations

import pytest

from interagency.matching.names import STANDARDS, transliterate

# (standard, native, expected) — expected values are copied from the standards'
# letter tables and their usual examples, not produced by the code under test.
PUBLISHED = [
    ("icao", "Юрий", "Iurii"),
    ("icao", "Щукин", "Shchukin"),
    ("icao", "Ёлкин", "Elkin"),
    ("icao", "Цой", "Tsoi"),
    ("icao", "Наталья", "Natalia"),
    ("icao", "Евгений", "Evgenii"),
    ("bgn", "Елена", "Yelena"),
    ("bgn", "Сергеевич", "Sergeyevich"),
    ("bgn", "Юрий", "Yuriy"),
    ("bgn", "Ёлкин", "Yëlkin"),
    ("bgn", "Наталья", "Natal’ya"),
    ("bgn", "Объедков", "Ob”yedkov"),
    ("gost-b", "Цой", "Czoj"),
    ("gost-b", "Цыганов", "Cy`ganov"),
    ("gost-b", "Щукин", "Shhukin"),
    ("gost-b", "Юрий", "Yurij"),
    ("gost-b", "Хабиров", "Xabirov"),
    ("gost-b", "Эрик", "E`rik"),
    ("iso9", "Щукин", "Ŝukin"),
    ("iso9", "Юрий", "Ûrij"),
    ("iso9", "Жуков", "Žukov"),
    ("iso9", "Чайка", "Čajka"),
    ("iso9", "Наталья", "Natalʹâ"),
    ("de", "Хрущёв", "Chruschtschow"),
    ("de", "Горбачёв", "Gorbatschow"),
    ("de", "Ельцин", "Jelzin"),
    ("de", "Чайковский", "Tschaikowski"),
    ("fr", "Горбачёв", "Gorbatchev"),
    ("fr", "Хрущёв", "Khrouchtchev"),
    ("fr", "Чайковский", "Tchaïkovski"),
    ("fr", "Назарбаев", "Nazarbaïev"),
    ("fr", "Шамиль", "Chamil"),
    ("uz", "Ўктам", "Oʻktam"),
    ("uz", "Ғайрат", "Gʻayrat"),
    ("uz", "Қодиров", "Qodirov"),
    ("uz", "Ёқубов", "Yoqubov"),
    ("az", "Әлијев", "Əliyev"),
    ("az", "Һүсејнов", "Hüseynov"),
    ("az", "Гасымов", "Qasımov"),
    ("az", "Ҹавид", "Cavid"),
    ("kk", "Әсел", "Äsel"),
    ("kk", "Нұрсұлтан", "Nūrsūltan"),
    ("kk", "Ақбота", "Aqbota"),
    ("kk", "Шолпан", "Şolpan"),
    ("kk", "Төлеген", "Tölegen"),
    ("tk", "Атаев", "Ataýew"),
    ("tk", "Дөвлет", "Döwlet"),
    ("tk", "Җумаев", "Jumaýew"),
    ("hy-bgn", "Հարությունյան", "Harut’yunyan"),
    ("hy-bgn", "Երևան", "Yerevan"),
    ("hy-bgn", "Ոսկան", "Voskan"),
    ("hy-bgn", "Չարենց", "Ch’arents’"),
    ("hy-iso", "Հարությունյան", "Harowtʻyownyan"),
    ("hy-iso", "Խաչատրյան", "Xačʻatryan"),
    ("hy-ru", "Հարությունյան", "Арутюнян"),
    ("hy-ru", "Գրիգորյան", "Григорян"),
    ("ka-national", "შევარდნაძე", "shevardnadze"),
    ("ka-national", "ჭავჭავაძე", "ch’avch’avadze"),
    ("ka-national", "წერეთელი", "ts’ereteli"),
    ("ka-iso", "შევარდნაძე", "ševardnaʒe"),
]


@pytest.mark.parametrize(("standard", "native", "expected"), PUBLISHED)
def test_published_examples(standard: str, native: str, expected: str) -> None:
    assert transliterate(native, standard) == expected


def test_every_standard_has_an_example() -> None:
    tested = {standard for standard, _, _ in PUBLISHED}
    assert set(STANDARDS) - tested <= {"canonical-cyrl", "canonical-armn", "canonical-geor"}


def test_whole_names_keep_spacing_punctuation_and_capitals() -> None:
    assert transliterate("АБДУЛЛАЕВ, Мухаммад", "icao") == "ABDULLAEV, Mukhammad"


def test_letters_of_other_scripts_are_kept_as_entered() -> None:
    assert transliterate("Ivanov Иван", "icao") == "Ivanov Ivan"


def test_unknown_standard_is_an_error() -> None:
    with pytest.raises(KeyError, match="klingon"):
        transliterate("Иван", "klingon")
