"""Phonetic keys: the same name in any standard shares a key; different names do not."""

from __future__ import annotations

import pytest

from interagency.matching.names import blocking_key, name_group, spelling_key, to_latin

SAME_NAME = [
    # kh/h/x, doubled letters, ye/e, French ou, German w/j/ch, ISO and GOST letters
    ["Абдуллаев", "Abdullaev", "Abdullayev", "Abdoullaev", "Abdullajew", "ABDULLAEV"],
    ["Юрий", "Yuriy", "Iurii", "Yurij", "Yuri", "Ûrij", "Iouri"],
    ["Мухаммад", "Mukhammad", "Muhammad", "Muxammad", "Mouhammad", "Muhamad"],
    ["Хасанов", "Khasanov", "Hasanov", "Xasanov"],
    ["Щукин", "Shchukin", "Shhukin", "Ŝukin", "Chtchoukine"[:-1]],
    ["Цой", "Tsoy", "Tsoi", "Czoj"],
    ["Джамшид", "Dzhamshid", "Jamshid", "Djamchid", "Džamšid", "Dschamschid"],
    ["Кадыров", "Kadyrov", "Qodirov", "Kadirov"],
    ["Евгений", "Yevgeniy", "Evgeniy", "Evgenii", "Evgueni"],
    ["Алиев", "Aliyev", "Aliev", "Əliyev", "Alijew"],
    ["Հարությունյան", "Harutyunyan", "Арутюнян", "Harowtʻyownyan", "Harut’yunyan"],
    ["შევარდნაძე", "Shevardnadze", "Шеварднадзе", "ševardnaʒe"],
    ["Жуков", "Zhukov", "Joukov", "Žukov", "Schukow"],
    ["Александр", "Aleksandr", "Alexandr"],
    ["Джавахишвили", "Dzhavakhishvili", "Dshawachischwili", "Javakhishvili"],
]


@pytest.mark.parametrize("forms", SAME_NAME, ids=lambda forms: forms[1])
def test_one_name_in_every_standard_has_one_blocking_key(forms: list[str]) -> None:
    keys = {form: blocking_key(form) for form in forms}
    assert len(set(keys.values())) == 1, keys


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Ivanov", "Petrov"),
        ("Aliyev", "Alimov"),
        ("Karimov", "Kurbanov"),
        ("Sergey", "Stepan"),
        ("Harutyunyan", "Hovhannisyan"),
        ("Beridze", "Abashidze"),
        ("Nurlan", "Nursultan"),
    ],
)
def test_different_names_have_different_blocking_keys(a: str, b: str) -> None:
    assert blocking_key(a) != blocking_key(b)


def test_spelling_key_keeps_the_gender_form_that_the_blocking_key_shares() -> None:
    assert spelling_key("Иванова") != spelling_key("Ivanov")
    assert blocking_key("Иванова") == blocking_key("Ivanov")
    assert blocking_key("Ковалевская") == blocking_key("Kovalevskiy")


@pytest.mark.parametrize(
    ("forms", "head"),
    [
        (["Muhammad", "Magomed", "Mahammad", "Mohammed", "Məhəmməd", "Мухаммад"], "Muhammad"),
        (["Aleksandr", "Alexander", "Oleksandr", "Александр"], "Aleksandr"),
        (["Yevgeniy", "Evgeny", "Eugene", "Евгений"], "Yevgeniy"),
        (["Hasan", "Gasan", "Həsən", "Гасан"], "Hasan"),
    ],
)
def test_name_groups_join_forms_of_one_name(forms: list[str], head: str) -> None:
    assert {name_group(f) for f in forms} == {spelling_key(head)}


def test_the_loose_key_joins_russian_g_to_turkic_and_armenian_h() -> None:
    from interagency.matching.names.keys import loose_blocking_key

    for russian, native in [("Гусейнов", "Hüseynov"), ("Ибрагимов", "İbrahimov")]:
        assert blocking_key(russian) != blocking_key(native)
        assert loose_blocking_key(spelling_key(russian)) == loose_blocking_key(spelling_key(native))


def test_female_surnames_share_the_group_of_the_male_form() -> None:
    assert name_group("Гусейнова") == name_group("Hüseynova") == name_group("Gussejnowa")
    assert name_group("Гусейнова") != name_group("Гусейнов")


def test_different_given_names_stay_in_different_groups() -> None:
    assert name_group("Magomed") != name_group("Ahmad")


@pytest.mark.parametrize(
    ("entered", "latin"),
    [
        ("Абдуллаев Мухаммад", "abdullayev mukhammad"),
        ("Abdoullaev Mouhammad", "abdullaev muhammad"),
        ("Abdullajew Muchammad", "abdullayev mukhammad"),
        ("Hacıyev Camal", "hadzhyyev dzhamal"),
        ("Jurij Iwanow", "yuriy ivanov"),
    ],
)
def test_canonical_latin_form(entered: str, latin: str) -> None:
    assert to_latin(entered) == latin


def test_each_part_is_read_in_the_tradition_of_the_whole_name() -> None:
    from interagency.matching.features import name_features
    from interagency.matching.names import parse_name

    german = name_features(parse_name("Iwanow Jurij"))  # w marks German: j is й
    english = name_features(parse_name("Ivanov Yuriy"))
    assert german.given_sp == english.given_sp
    assert german.surname_sp == english.surname_sp
    # On its own, "Jurij" reads as the Uzbek and English дж.
    assert spelling_key("Jurij") != english.given_sp
