"""The venue map's projection as pure geometry: fitted to the venues' bounding box inside
the margin, north up and east right, one scale for both axes (a degree of longitude
shortened by the cosine of the middle latitude), centred along the spare axis, and the
circles growing with the open incidents within their bounds."""

from __future__ import annotations

import math

import pytest

from interagency.events import venue_map
from interagency.events.venue_map import Place, Point, project, radius

W, H, M = 640.0, 400.0, 40.0


def _box(points: list[Point]) -> tuple[float, float, float, float]:
    return (
        min(p.x for p in points),
        min(p.y for p in points),
        max(p.x for p in points),
        max(p.y for p in points),
    )


def test_no_venue_draws_nothing() -> None:
    assert project([]) == []


def test_one_venue_and_venues_in_one_spot_sit_in_the_middle() -> None:
    assert project([Place("a", 55.8, 49.1)], W, H, M) == [Point("a", W / 2, H / 2)]
    twice = project([Place("a", 10, 20), Place("b", 10, 20)], W, H, M)
    assert {(p.x, p.y) for p in twice} == {(W / 2, H / 2)}


def test_the_venues_fill_the_drawing_inside_the_margin_north_up_east_right() -> None:
    # Wide: two venues on the equator 10 degrees apart and one a degree north.
    places = [Place("west", 0, 0), Place("east", 0, 10), Place("north", 1, 5)]
    west, east, north = project(places, W, H, M)
    assert (west.x, east.x) == pytest.approx((M, W - M))  # the wide axis fills the room
    assert west.y == pytest.approx(east.y)
    assert north.y < west.y  # north is up
    assert west.x < north.x < east.x  # east is right
    left, top, right, bottom = _box([west, east, north])
    assert min(left, top) >= M
    assert right <= W - M
    assert bottom <= H - M
    # centred along the spare (vertical) axis
    assert (top - M) == pytest.approx(H - M - bottom)


def test_one_scale_for_both_axes_with_longitude_shortened_by_latitude() -> None:
    # A square of one degree at 60 degrees north: a degree of longitude is half as long.
    places = [Place("sw", 59.5, 30), Place("ne", 60.5, 31)]
    sw, ne = project(places, W, H, M)
    width, height = ne.x - sw.x, sw.y - ne.y
    assert height == pytest.approx(H - 2 * M)  # the tall axis fills the room
    assert width / height == pytest.approx(math.cos(math.radians(60)), rel=1e-6)


def test_a_line_of_venues_north_to_south_is_centred_left_to_right() -> None:
    north, south = project([Place("n", 56, 49), Place("s", 55, 49)], W, H, M)
    assert north.x == south.x == pytest.approx(W / 2)
    assert (north.y, south.y) == pytest.approx((M, H - M))


def test_a_margin_that_leaves_no_room_is_refused() -> None:
    with pytest.raises(ValueError, match="no room"):
        project([Place("a", 0, 0), Place("b", 1, 1)], 100, 100, 50)


def test_circles_grow_with_open_incidents_within_bounds() -> None:
    assert radius(0) == venue_map.RADIUS
    assert radius(-1) == venue_map.RADIUS
    assert radius(1) < radius(2) < radius(3)
    assert radius(1000) == venue_map.RADIUS_MAX
    # the largest circle still fits inside the default margin
    assert venue_map.RADIUS_MAX < venue_map.MARGIN


def test_labels_sit_under_their_circles_and_run_inward_near_the_edges() -> None:
    west = venue_map.label(Point("w", 50, 100), 6, W)
    middle = venue_map.label(Point("m", W / 2, 100), 6, W)
    east = venue_map.label(Point("e", W - 50, 100), 9, W)
    assert (west.anchor, middle.anchor, east.anchor) == ("start", "middle", "end")
    assert (west.x, middle.x, east.x) == (44, W / 2, W - 41)
    assert west.y == middle.y == 120  # below the circle
    assert east.y == 123
