"""The channels engine's vocabulary, kept as data files beside this module.

Countries, crossing points, modi operandi and registration-plate formats are facts that
analysts may correct without touching code, so they live in `data/*.csv` and are read
once, on first use (`functools.cache`): importing the package reads no file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Final

DATA: Final = Path(__file__).parent / "data"


def _rows(name: str) -> Iterator[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as file:
        yield from csv.DictReader(file)


# --- Countries ----------------------------------------------------------------------------


@cache
def _alpha2_by_alpha3() -> Mapping[str, str]:
    return MappingProxyType({row["alpha3"]: row["alpha2"] for row in _rows("countries.csv")})


@cache
def countries() -> frozenset[str]:
    """Every ISO 3166-1 country by its alpha-3 code: what reports may name."""
    return frozenset(_alpha2_by_alpha3())


def alpha2_of(alpha3: str) -> str | None:
    """The alpha-2 code of an alpha-3 country ("KAZ" -> "KZ"), None if not a country.

    `phonenumbers` names regions by alpha-2; reports name states by alpha-3."""
    return _alpha2_by_alpha3().get(alpha3)


# --- Crossing points ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CrossingPoint:
    """A border crossing point (road, rail, sea port or airport) of one state."""

    code: str  # upper-case ASCII with hyphens, the state's alpha-3 first: "KAZ-KORDAY"
    state: str  # ISO 3166 alpha-3
    name_ru: str
    name_en: str
    lat: float  # WGS 84 degrees, approximate: enough to tell neighbouring points apart
    lon: float


@cache
def crossing_points() -> Mapping[str, CrossingPoint]:
    """The member states' crossing points by code."""
    points = (
        CrossingPoint(
            code=row["code"],
            state=row["state"],
            name_ru=row["name_ru"],
            name_en=row["name_en"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
        )
        for row in _rows("crossing_points.csv")
    )
    return MappingProxyType({point.code: point for point in points})


# --- Modi operandi ------------------------------------------------------------------------


@cache
def modi() -> Mapping[str, tuple[str, str]]:
    """How migrants are smuggled: code -> (English label, Russian label)."""
    return MappingProxyType(
        {row["code"]: (row["label_en"], row["label_ru"]) for row in _rows("modi.csv")}
    )


class _Modi(Mapping[str, tuple[str, str]]):
    """`modi()` as a constant that reads its file only when first looked into."""

    def __getitem__(self, code: str) -> tuple[str, str]:
        return modi()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(modi())

    def __len__(self) -> int:
        return len(modi())


MODI: Final[Mapping[str, tuple[str, str]]] = _Modi()


# --- Registration plates ------------------------------------------------------------------


@cache
def plate_formats() -> Mapping[str, tuple[str, ...]]:
    """A state's (alpha-3) plate formats as templates: "L" a Latin letter, "9" a digit.

    They are how `identifiers.plate_key` tells a country mark written beside a plate
    from the letters of the plate itself; a state missing here only loses that help."""
    formats: dict[str, list[str]] = {}
    for row in _rows("plate_formats.csv"):
        templates = formats.setdefault(row["state"], [])
        if row["format"] not in templates:
            templates.append(row["format"])
    return MappingProxyType({state: tuple(templates) for state, templates in formats.items()})


@cache
def plate_marks() -> Mapping[str, str]:
    """The country marks seen on or beside plates ("RUS", "KZ"...) -> the state's alpha-3."""
    return MappingProxyType({row["mark"]: row["state"] for row in _rows("plate_formats.csv")})
