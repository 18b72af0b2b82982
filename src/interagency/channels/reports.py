"""What an interception report tells the channels engine.

A report is one interception of a group of migrants and their facilitators at one
crossing point. Migrants are victims or witnesses: they are counted, with their
nationalities as counts, and are never a node or a link. What links reports is what the
facilitators use: their names, and the phones, vehicles, forged-document series and money
transfers tied to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Direction(StrEnum):
    """Which way the group was crossing, seen from the reporting state."""

    ENTRY = "entry"
    EXIT = "exit"
    TRANSIT = "transit"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Report:
    """One interception report, as read and checked (`reading.read_reports`).

    Phones, plates, documents and transfers are kept as written locally: the engine
    resolves them (`identifiers`) when it links reports, so that a report is kept and
    shown as its agency wrote it."""

    report_id: str
    agency: str  # the reporting state, ISO 3166 alpha-3
    date: date
    crossing_point: str  # a code of `reference.crossing_points()`, or "" if none given
    origin: tuple[str, ...]  # ISO 3166 alpha-3, first leg first
    transit: tuple[str, ...]
    destination: tuple[str, ...]
    modus: str  # a code of `reference.MODI`, or "" if none given
    migrants: int
    # Counts by ISO 3166 alpha-3: never a link between reports.
    migrant_nationalities: Mapping[str, int] = field(default_factory=dict)
    facilitators: tuple[str, ...] = ()  # names as written, any script
    # Tied to the report's facilitators, their vehicles or forged-document series.
    phones: tuple[str, ...] = ()
    vehicle_plates: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    transfers: tuple[str, ...] = ()  # money-transfer references
    direction: Direction = Direction.UNKNOWN

    @property
    def route(self) -> tuple[str, ...]:
        """Every country of the route, origin first."""
        return (*self.origin, *self.transit, *self.destination)
