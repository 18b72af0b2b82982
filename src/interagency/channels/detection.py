"""Detecting channels in interception reports: candidate links, then communities.

The one call the command line and the platform make. Pure: reports in, channels out,
no file, no database; the same reports and seed give the same channels and ids.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import pandas as pd

from interagency.channels.communities import RESOLUTION, Channel, find_channels
from interagency.channels.linking import LINK_COLUMNS, candidate_links
from interagency.channels.reports import Report

ENGINES: Final = ("duckdb", "spark")


@dataclass(frozen=True, slots=True)
class Detection:
    """What was found: every report id's channel id (None for a report in no channel),
    the channels in the order of their first report, and why each report is where it is
    (`communities.find_channels`)."""

    assignment: dict[str, str | None]
    channels: list[Channel]
    why: dict[str, str]


def detect(
    reports: Sequence[Report],
    *,
    engine: str = "duckdb",
    seed: int = 7,
    resolution: float = RESOLUTION,
) -> Detection:
    """The channels among `reports`.

    `engine` pairs the reports ("duckdb" on this machine, "spark" on a Spark session,
    `linking.candidate_links`); `seed` fixes the community detection's random choices;
    `resolution` is the density a channel must have (`communities.RESOLUTION`).
    Raises ValueError when two reports share an id, as an assignment by id could not
    tell them apart, or for an unknown engine."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    ids = [report.report_id for report in reports]
    repeated = sorted(report_id for report_id, n in Counter(ids).items() if n > 1)
    if repeated:
        shown = ", ".join(repeated[:5]) + (" …" if len(repeated) > 5 else "")
        raise ValueError(f"report ids used more than once: {shown}")
    links = (
        candidate_links(reports, engine=engine)
        if reports
        else pd.DataFrame({column: [] for column in LINK_COLUMNS})
    )
    found = find_channels(links, ids, seed=seed, resolution=resolution)
    return Detection(
        assignment=dict(zip(ids, found.channel_of, strict=True)),
        channels=list(found.channels),
        why=dict(zip(ids, found.why, strict=True)),
    )
