"""The reference files hold together: every code points at something that exists."""

from __future__ import annotations

import re

import pytest

from interagency.channels import identifiers, reference

MEMBER_STATES = ("RUS", "KAZ", "UZB", "KGZ", "TJK", "TKM", "AZE", "ARM", "GEO", "BLR")


def test_every_iso_country_is_listed_once() -> None:
    alpha2 = [reference.alpha2_of(code) for code in reference.countries()]
    # ISO 3166-1 assigns 249 codes; each alpha-2 belongs to one alpha-3.
    assert len(reference.countries()) == 249
    assert len(set(alpha2)) == 249
    assert all(re.fullmatch("[A-Z]{3}", code) for code in reference.countries())


@pytest.mark.parametrize(
    ("alpha3", "alpha2"),
    [
        ("KAZ", "KZ"),
        ("RUS", "RU"),
        ("UZB", "UZ"),
        ("KGZ", "KG"),
        ("TJK", "TJ"),
        ("TKM", "TM"),
        ("AZE", "AZ"),
        ("ARM", "AM"),
        ("GEO", "GE"),
        ("BLR", "BY"),
        ("AFG", "AF"),
        ("GBR", "GB"),
        ("DEU", "DE"),
        ("ALA", "AX"),
    ],
)
def test_alpha2_of_known_countries(alpha3: str, alpha2: str) -> None:
    assert reference.alpha2_of(alpha3) == alpha2


@pytest.mark.parametrize("code", ["XXX", "kaz", "KZ", "", "SUN"])
def test_alpha2_of_what_is_no_country_is_none(code: str) -> None:
    assert reference.alpha2_of(code) is None


def test_crossing_points_belong_to_countries_and_lie_on_the_globe() -> None:
    points = reference.crossing_points()
    for code, point in points.items():
        assert point.code == code
        assert point.state in reference.countries()
        assert re.fullmatch(r"[A-Z]{3}(-[A-Z]+)+", code), code
        assert code.startswith(point.state + "-"), code
        assert -90 <= point.lat <= 90, code
        assert -180 <= point.lon <= 180, code
        assert point.name_en, code
        assert point.name_ru, code


def test_crossing_point_codes_are_unique_in_the_file() -> None:
    with (reference.DATA / "crossing_points.csv").open(encoding="utf-8") as file:
        codes = [line.split(",", 1)[0] for line in file.read().splitlines()[1:]]
    assert len(codes) == len(set(codes)) == len(reference.crossing_points())


@pytest.mark.parametrize("state", MEMBER_STATES)
def test_each_member_state_has_four_to_eight_crossing_points(state: str) -> None:
    count = sum(point.state == state for point in reference.crossing_points().values())
    assert 4 <= count <= 8


def test_member_states_crossing_points_lie_in_their_region() -> None:
    # Brest (23.6 E) to Korday and Karkyra (79 E); Serhetabat (35.3 N) to Petukhovo (55 N).
    for point in reference.crossing_points().values():
        assert 35 <= point.lat <= 57, point.code
        assert 23 <= point.lon <= 80, point.code


def test_a_known_crossing_point_reads_as_written() -> None:
    korday = reference.crossing_points()["KAZ-KORDAY"]
    assert (korday.state, korday.name_en, korday.name_ru) == ("KAZ", "Korday", "Кордай")
    assert korday.lat == pytest.approx(43.04, abs=0.05)
    assert korday.lon == pytest.approx(74.72, abs=0.05)


def test_modi_codes_and_labels() -> None:
    modi = reference.modi()
    assert 8 <= len(modi) <= 14
    for code, (label_en, label_ru) in modi.items():
        assert re.fullmatch("[a-z]+(-[a-z]+)*", code), code
        assert label_en, code
        assert label_ru, code
    assert "hidden-in-lorry" in modi
    assert "on-foot-green-border" in modi


def test_the_modi_constant_is_the_list() -> None:
    assert dict(reference.MODI) == dict(reference.modi())
    assert reference.MODI["boat"] == (
        "By boat across a river or sea",
        "На лодке через реку или море",
    )


def test_plate_marks_and_formats_name_member_states() -> None:
    assert set(reference.plate_formats()) == set(MEMBER_STATES)
    assert set(reference.plate_marks().values()) == set(MEMBER_STATES)
    assert reference.plate_marks()["RUS"] == "RUS"
    assert reference.plate_marks()["KZ"] == "KAZ"
    for templates in reference.plate_formats().values():
        assert all(re.fullmatch("[L9]+", template) for template in templates)


def test_each_plate_example_is_its_own_key() -> None:
    # The examples are plates as printed: nothing to fold and no mark to take off.
    with (reference.DATA / "plate_formats.csv").open(encoding="utf-8") as file:
        rows = [line.split(",") for line in file.read().splitlines()[1:]]
    for state, _mark, template, example in rows:
        assert len(example) == len(template), example
        assert identifiers.plate_key(example, state) == example
