"""The venue map as plain geometry: the venues' coordinates projected onto a drawing
(a simple equirectangular projection fitted to their bounding box with a margin) and
circles sized by the open incidents at each. The page draws it as inline SVG; no tile
server and no script are needed.

East is to the right and north up; a degree of longitude is shortened by the cosine of
the middle latitude, so that distances look right at the venues' scale.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

WIDTH: Final = 640.0
HEIGHT: Final = 400.0
MARGIN: Final = 48.0  # room for the circles and the labels
RADIUS: Final = 6.0  # a venue with no open incident
RADIUS_STEP: Final = 3.0  # each open incident adds this much ...
RADIUS_MAX: Final = 24.0  # ... up to this


@dataclass(frozen=True)
class Place:
    key: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Point:
    key: str
    x: float
    y: float


def radius(open_incidents: int) -> float:
    """A venue's circle: larger by each open incident, within bounds."""
    return min(RADIUS + RADIUS_STEP * max(open_incidents, 0), RADIUS_MAX)


def project(
    places: Sequence[Place],
    width: float = WIDTH,
    height: float = HEIGHT,
    margin: float = MARGIN,
) -> list[Point]:
    """The places on a `width` x `height` drawing, inside `margin`, in their order. One
    scale for both axes keeps the shapes; the drawing is centred along the spare axis; a
    single place (or places all in one spot) sits in the middle."""
    if not places:
        return []
    if width <= 2 * margin or height <= 2 * margin:
        raise ValueError("the margin leaves no room to draw")
    middle = math.radians((min(p.latitude for p in places) + max(p.latitude for p in places)) / 2)
    shrink = max(math.cos(middle), 0.01)  # (never zero, even at a pole)
    xs = [p.longitude * shrink for p in places]
    ys = [p.latitude for p in places]
    span_x = max(xs) - min(xs)
    span_y = max(ys) - min(ys)
    room_x = width - 2 * margin
    room_y = height - 2 * margin
    if span_x == 0 and span_y == 0:
        return [Point(p.key, width / 2, height / 2) for p in places]
    scale = min(room_x / span_x if span_x else math.inf, room_y / span_y if span_y else math.inf)
    left = margin + (room_x - span_x * scale) / 2
    top = margin + (room_y - span_y * scale) / 2
    return [
        Point(p.key, left + (x - min(xs)) * scale, top + (max(ys) - y) * scale)
        for p, x, y in zip(places, xs, ys, strict=True)
    ]


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    anchor: str  # SVG text-anchor: start, middle or end


def label(point: Point, circle: float, width: float = WIDTH) -> Label:
    """Where a venue's name goes: under its circle, running inward near the left or right
    edge so that a long name stays on the drawing."""
    below = point.y + circle + 14
    if point.x < width / 3:
        return Label(point.x - circle, below, "start")
    if point.x > width * 2 / 3:
        return Label(point.x + circle, below, "end")
    return Label(point.x, below, "middle")
