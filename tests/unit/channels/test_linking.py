"""Candidate links on hand-built reports: each kind appears where it must and nowhere
else, migrants never link, and a crowded block or key yields linearly many links."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest

from interagency.channels.facilitators import name_keys
from interagency.channels.linking import LINK_WEIGHTS, candidate_links
from interagency.channels.reports import Report

DAY = date(2026, 3, 2)
BASE = Report(
    report_id="r",
    agency="UZB",
    date=DAY,
    crossing_point="",
    origin=(),
    transit=(),
    destination=(),
    modus="",
    migrants=4,
)


def links(*reports: Report) -> set[tuple[int, int, str]]:
    frame = candidate_links(reports)
    return set(zip(frame["a"], frame["b"], frame["kind"], strict=True))


def test_a_shared_phone_links_with_the_phone_weight() -> None:
    first = replace(BASE, phones=("+998901234567",))
    frame = candidate_links([first, replace(BASE, phones=("+998901234567", "+998935550101"))])
    assert frame.to_dict("records") == [{"a": 0, "b": 1, "kind": "phone", "weight": 1.0}]


@pytest.mark.parametrize(
    ("field", "value", "kind"),
    [
        ("phones", "+998901234567", "phone"),
        ("vehicle_plates", "01A123BC", "plate"),
        ("transfers", "MTCN 4417 2290 31", "transfer"),
    ],
)
def test_an_identifier_links_only_the_reports_that_share_it(
    field: str, value: str, kind: str
) -> None:
    shared: dict[str, Any] = {field: (value,)}
    unshared: dict[str, Any] = {field: ("+4917612345678" if kind == "phone" else "ZZ9999999",)}
    sharing = replace(BASE, **shared)
    other = replace(BASE, **unshared)
    assert links(sharing, other, sharing) == {(0, 2, kind)}


def test_identifiers_written_in_other_formats_and_scripts_link() -> None:
    # One Kazakh phone as Kazakhstan dials it (trunk 8) and as Uzbekistan writes it;
    # one plate in Latin and in Cyrillic look-alike letters.
    kazakh = replace(BASE, agency="KAZ", phones=("8 701 123 4567",), vehicle_plates=("01A123BC",))
    uzbek = replace(BASE, phones=("+7 701 123 45 67",), vehicle_plates=("01 А 123 ВС",))
    assert links(kazakh, uzbek) == {(0, 1, "phone"), (0, 1, "plate")}


def test_documents_of_one_forged_series_link_by_series_only() -> None:
    first = replace(BASE, documents=("AB1234567",))
    same_batch = replace(BASE, documents=("AB1234599",))
    other_batch = replace(BASE, documents=("AB7654321",))
    frame = candidate_links([first, same_batch, other_batch])
    assert frame.to_dict("records") == [{"a": 0, "b": 1, "kind": "series", "weight": 0.8}]


def test_a_shared_document_number_links() -> None:
    document = replace(BASE, documents=("AB1234567",))
    assert (0, 1, "document") in links(document, document)
    assert not any(kind == "document" for _, _, kind in links(document, BASE))


def test_a_facilitator_written_in_two_scripts_links_weakly() -> None:
    cyrillic = replace(BASE, facilitators=("Кадыров Рустам",))
    latin = replace(BASE, facilitators=("Rustam Qodirov",))
    stranger = replace(BASE, facilitators=("Ivan Petrov",))
    frame = candidate_links([cyrillic, latin, stranger])
    assert frame.to_dict("records") == [{"a": 0, "b": 1, "kind": "facilitator", "weight": 0.7}]


def test_a_name_met_on_several_routes_links_less() -> None:
    # Met on three routes, the name is a common one: a third of a name's weight.
    common = [
        replace(BASE, origin=("AFG",), destination=(end,), facilitators=("Кадыров Рустам",))
        for end in ("RUS", "RUS", "KAZ", "BLR")
    ]
    frame = candidate_links(common)
    names = frame[frame["kind"] == "facilitator"]
    assert names.to_dict("records") == [
        {"a": 0, "b": 1, "kind": "facilitator", "weight": pytest.approx(0.7 / 3)}
    ]


def test_a_facilitator_s_name_links_on_its_own_route_within_half_a_year_only() -> None:
    on_route = replace(
        BASE, origin=("AFG",), destination=("RUS",), facilitators=("Кадыров Рустам",)
    )
    same_route_later = replace(on_route, date=DAY + timedelta(days=180))
    too_late = replace(on_route, date=DAY + timedelta(days=181))
    other_route = replace(on_route, destination=("KAZ",))
    assert links(on_route, same_route_later) == {(0, 1, "facilitator")}
    assert links(on_route, too_late) == set()
    assert links(on_route, other_route) == set()


def test_a_single_name_or_an_initial_links_nothing() -> None:
    assert name_keys("Rustam") == frozenset()
    assert name_keys("Kadyrov R.") == frozenset()
    alone = replace(BASE, facilitators=("Rustam",))
    assert links(alone, alone) == set()


def test_the_same_crossing_point_links_within_fourteen_days() -> None:
    at_point = replace(BASE, crossing_point="UZB-OYBEK")
    reports = [
        at_point,
        replace(at_point, date=DAY + timedelta(days=14)),
        replace(at_point, date=DAY + timedelta(days=29)),
        replace(BASE, crossing_point="UZB-GISHT"),
    ]
    # 0-1 are 14 days apart, 1-2 fifteen, 0-2 twenty-nine; 3 is elsewhere.
    assert links(*reports) == {(0, 1, "place-time")}


def test_two_weeks_apart_across_any_bucket_boundary_still_link() -> None:
    at_point = replace(BASE, crossing_point="UZB-OYBEK")
    for start in range(14):
        first = replace(at_point, date=DAY + timedelta(days=start))
        second = replace(first, date=first.date + timedelta(days=14))
        assert links(first, second) == {(0, 1, "place-time")}


def test_route_and_modus_link_within_a_month() -> None:
    on_route = replace(BASE, origin=("AFG",), transit=("TJK",), destination=("RUS",))
    reports = [
        on_route,
        # Another agency sees another transit country: the same origin and destination.
        replace(on_route, transit=("UZB", "KAZ"), date=DAY + timedelta(days=30)),
        replace(on_route, date=DAY + timedelta(days=31)),
        replace(on_route, destination=("KAZ",)),
    ]
    assert links(*reports) == {(0, 1, "route"), (1, 2, "route")}
    by_truck = [replace(r, modus="truck-hidden") for r in reports]
    assert links(*by_truck) == {
        (0, 1, "route"),
        (0, 1, "modus"),
        (1, 2, "route"),
        (1, 2, "modus"),
    }


def test_a_modus_off_the_route_links_nothing() -> None:
    first = replace(BASE, modus="truck-hidden", origin=("AFG",), destination=("RUS",))
    second = replace(BASE, modus="truck-hidden", origin=("IRQ",), destination=("DEU",))
    no_route = replace(BASE, modus="truck-hidden")
    assert links(first, second, no_route, no_route) == set()


def test_migrants_nationalities_and_counts_never_link() -> None:
    group = replace(BASE, migrants=12, migrant_nationalities={"AFG": 7, "SYR": 5})
    assert candidate_links([group, group, group]).empty


def test_a_crowded_block_links_each_report_to_its_next_five_in_date_order() -> None:
    at_point = replace(BASE, crossing_point="UZB-OYBEK")
    # 500 reports on one day: ordered by position, each linked to the next five.
    reports = [replace(at_point, report_id=str(i)) for i in range(500)]
    expected = {(i, j, "place-time") for i in range(500) for j in range(i + 1, min(i + 6, 500))}
    found = links(*reports)
    assert found == expected
    assert len(found) == 5 * 500 - 15


def test_a_block_at_the_cap_links_every_pair() -> None:
    at_point = replace(BASE, crossing_point="UZB-OYBEK")
    assert len(links(*[at_point] * 50)) == 50 * 49 // 2


def test_a_phone_in_more_than_two_hundred_reports_links_neighbours_only() -> None:
    hotline = replace(BASE, phones=("+998712000000",))
    # Listed latest first: date order, not list order, decides the neighbours.
    reports = [replace(hotline, date=DAY - timedelta(days=i)) for i in range(201)]
    found = links(*reports)
    assert len(found) == 5 * 201 - 15
    # Position 200 is the earliest: its next five are positions 199 down to 195.
    assert (199, 200, "phone") in found
    assert (195, 200, "phone") in found
    assert (194, 200, "phone") not in found
    assert len(links(*reports[:200])) == 200 * 199 // 2


def test_no_reports_give_an_empty_frame_with_the_columns() -> None:
    frame = candidate_links([])
    assert list(frame.columns) == ["a", "b", "kind", "weight"]
    assert frame.empty


def test_strong_kinds_outweigh_a_name_and_a_name_outweighs_each_weak_kind() -> None:
    strong = ("phone", "plate", "document", "transfer", "series")
    weak = ("route", "place-time", "modus")
    assert min(LINK_WEIGHTS[k] for k in strong) > LINK_WEIGHTS["facilitator"]
    assert LINK_WEIGHTS["facilitator"] > max(LINK_WEIGHTS[k] for k in weak)


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown engine 'sqlite'"):
        candidate_links([BASE], engine="sqlite")


def test_links_are_one_row_per_pair_and_kind_sorted() -> None:
    both = replace(BASE, phones=("+998901234567",), crossing_point="UZB-OYBEK")
    frame = candidate_links([both, both, both])
    expected = pd.DataFrame(
        {
            "a": [0, 0, 0, 0, 1, 1],
            "b": [1, 1, 2, 2, 2, 2],
            "kind": ["phone", "place-time"] * 3,
            "weight": [1.0, 0.15] * 3,
        }
    )
    pd.testing.assert_frame_equal(frame, expected)
