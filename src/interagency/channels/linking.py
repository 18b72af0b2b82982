"""Candidate links between interception reports: which reports may belong to one channel.

A link joins two reports that share something a smuggling organisation uses: a resolved
phone, vehicle plate, document, money transfer or forged-document series, a facilitator's
name, or, more weakly, a route, a crossing point in the same weeks, or a modus on a route
in the same month. Migrants' nationalities and counts are never a link: migrants are
victims or witnesses, and a shared nationality says nothing about who moved them.

How the links are found
-----------------------
Every report is first turned into *memberships* in Python: (report, kind, group, day).
For identifiers the group is the resolved key (`identifiers`); for the weak kinds it is
a block of the route, the crossing point or the modus and a window of days. The engine
(DuckDB here, Spark in `spark_links`) then pairs the members of each group with one SQL
statement (`PAIRS_SQL`), the same text on both engines, so both find the same links.

Why the number of links grows with the data and not its square
---------------------------------------------------------------
A group of up to `cap` members links all its pairs. A larger group links each member
only to its next `NEIGHBOURS` members in date order: a chain through the group, so that
community detection still sees its members as connected, for a cost linear in its size.

* Weak blocks (cap 50): at a busy crossing point or on a popular route hundreds of
  reports fall in one window; most pairs there are coincidences, and the neighbours in
  date order are the reports most likely to be one operation.
* Identifier keys (cap 200): a key in more than 200 reports is a hotline, a taxi firm or
  a channel's long-lived phone. It links neighbours in date order rather than being
  dropped: dropping it would cut a long-lived channel's strongest evidence, while the
  chain costs each report at most 2 x `NEIGHBOURS` links of that kind, which a shared
  hotline's unrelated channels outweigh with the denser links of their own.

The weak kinds and facilitators' names use overlapping windows: a window of `span` days
is two buckets wide and starts at every bucket, so two reports at most `span` days apart
always share one window (the same or adjacent bucket), and a pair found in two windows
is kept once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Final

import duckdb
import pandas as pd

from interagency.channels import identifiers
from interagency.channels.facilitators import name_keys
from interagency.channels.reports import Report

# The weight of each kind of link, added up over the kinds two reports share.
LINK_WEIGHTS: Final[Mapping[str, float]] = MappingProxyType(
    {
        # The same resolved phone, document number or money transfer in two reports is
        # almost always the same facilitator: phones are resolved to E.164 and documents
        # and transfers are unique numbers.
        "phone": 1.0,
        "document": 1.0,
        "transfer": 1.0,
        # A plate is nearly as strong; plates are cloned and vehicles change hands.
        "plate": 0.9,
        # A forgery series is one forger's work, and a forger may sell to several
        # channels (a broker): strong, but less than one document.
        "series": 0.8,
        # A name links only on its own route within half a year (`FACILITATOR_DAYS`),
        # and a name met on several routes links less (`_rarity`): names repeat across
        # the region and are often heard, not read. So bounded, it is less than any
        # identifier; alongside a shared phone or plate it strengthens the link. (On
        # the benchmark 0.7 scored best of 0.55-0.9.)
        "facilitator": 0.7,
        # The weak kinds: each alone is mostly coincidence; together (the same place,
        # weeks, route and modus) they tie reports that share no identifier.
        "place-time": 0.15,
        "modus": 0.15,
        "route": 0.1,
    }
)

IDENTIFIER_KINDS: Final = ("phone", "plate", "document", "series", "transfer", "facilitator")
NEIGHBOURS: Final = 5  # the next reports in date order a member of a large group links to
IDENTIFIER_CAP: Final = 200  # reports sharing one key that all link to each other
BLOCK_CAP: Final = 50  # reports of one weak block that all link to each other
PLACE_TIME_DAYS: Final = 14  # the same crossing point within two weeks
ROUTE_DAYS: Final = 30  # the same route (and modus) within a month
FACILITATOR_DAYS: Final = 180  # the same name on the same route within half a year
# No window for identifiers: the same phone a year later is still the same phone.
_NO_WINDOW: Final = 1 << 30

LINK_COLUMNS: Final = ("a", "b", "kind", "weight")
MEMBER_COLUMNS: Final = ("pos", "kind", "grp", "day_number", "span", "cap", "rarity")


@dataclass(frozen=True, slots=True)
class Blocking:
    """How a kind's groups are paired: within `span` days, all pairs up to `cap` members."""

    span: int
    cap: int


BLOCKING: Final[Mapping[str, Blocking]] = MappingProxyType(
    {
        **{
            kind: Blocking(_NO_WINDOW, IDENTIFIER_CAP)
            for kind in IDENTIFIER_KINDS
            if kind != "facilitator"
        },
        "facilitator": Blocking(FACILITATOR_DAYS, IDENTIFIER_CAP),
        "place-time": Blocking(PLACE_TIME_DAYS, BLOCK_CAP),
        "route": Blocking(ROUTE_DAYS, BLOCK_CAP),
        "modus": Blocking(ROUTE_DAYS, BLOCK_CAP),
    }
)

# Pairs the members of each group: all pairs in a group of at most `cap` members, each
# member to its next `steps` in date order in a larger one. Plain SQL that DuckDB and
# Spark both read, over the tables `members` (MEMBER_COLUMNS), `steps` (1..NEIGHBOURS)
# and `weights` (LINK_WEIGHTS). The engine sorts and weighs: on a million reports that is
# tens of millions of rows, which pandas would do in one slow thread.
PAIRS_SQL: Final = """
WITH ranked AS (
    SELECT pos, kind, grp, day_number, span, cap, rarity,
           row_number() OVER (PARTITION BY kind, grp ORDER BY day_number, pos) AS member_rank,
           count(*) OVER (PARTITION BY kind, grp) AS group_size
    FROM members
),
small_groups AS (
    SELECT l.pos AS first_pos, r.pos AS second_pos, l.kind AS kind, l.rarity AS rarity
    FROM ranked l
    JOIN ranked r ON r.kind = l.kind AND r.grp = l.grp AND r.member_rank > l.member_rank
    WHERE l.group_size <= l.cap AND r.group_size <= r.cap
      AND r.day_number - l.day_number <= l.span
),
-- A member of a large group and the ranks of the members it links to, as a column: an
-- equality on a column is a hash join, where one on an expression over two tables can
-- be planned as a join on the group alone, quadratic in its size.
large_targets AS (
    SELECT l.pos, l.kind, l.grp, l.day_number, l.span, l.rarity,
           l.member_rank + s.step AS target_rank
    FROM ranked l
    CROSS JOIN steps s
    WHERE l.group_size > l.cap
),
large_groups AS (
    SELECT t.pos AS first_pos, r.pos AS second_pos, t.kind AS kind, t.rarity AS rarity
    FROM large_targets t
    JOIN ranked r
      ON r.kind = t.kind AND r.grp = t.grp AND r.member_rank = t.target_rank
    WHERE r.day_number - t.day_number <= t.span
),
paired AS (
    SELECT first_pos, second_pos, kind, rarity FROM small_groups
    UNION ALL
    SELECT first_pos, second_pos, kind, rarity FROM large_groups
),
links AS (
    SELECT least(first_pos, second_pos) AS a,
           greatest(first_pos, second_pos) AS b,
           kind,
           max(rarity) AS rarity
    FROM paired
    WHERE first_pos <> second_pos
    GROUP BY least(first_pos, second_pos), greatest(first_pos, second_pos), kind
)
SELECT links.a, links.b, links.kind, weights.weight * links.rarity AS weight
FROM links
JOIN weights ON weights.kind = links.kind
ORDER BY links.a, links.b, links.kind
"""


def candidate_links(reports: Sequence[Report], *, engine: str = "duckdb") -> pd.DataFrame:
    """Links between `reports` (LINK_COLUMNS): `a` < `b` positions in `reports`, one row
    per pair and kind, with the kind's weight; sorted by `a`, `b`, `kind`.

    `engine` "duckdb" pairs the reports on one machine, "spark" on a local Spark session
    (or the one already running in this process). Raises ValueError for another engine.
    """
    if engine == "duckdb":
        return _pairs_on_duckdb(memberships(reports))
    if engine == "spark":
        from interagency.channels.spark_links import candidate_links_spark
        from interagency.matching.spark import spark_session

        return candidate_links_spark(reports, spark_session(app_name="interagency-channels"))
    raise ValueError(f"unknown engine {engine!r}: use 'duckdb' or 'spark'")


def memberships(reports: Sequence[Report]) -> pd.DataFrame:
    """Every report's groups (MEMBER_COLUMNS), each (report, kind, group) once."""
    rows = [*_identifier_members(reports), *_block_members(reports)]
    frame = pd.DataFrame(rows, columns=["pos", "kind", "grp", "day_number"])
    frame = frame.drop_duplicates(["pos", "kind", "grp"], ignore_index=True)
    frame["span"] = frame["kind"].map({kind: b.span for kind, b in BLOCKING.items()})
    frame["cap"] = frame["kind"].map({kind: b.cap for kind, b in BLOCKING.items()})
    frame["rarity"] = _rarity(frame)
    return frame.astype(
        {
            "pos": "int64",
            "kind": str,
            "grp": str,
            "day_number": "int64",
            "span": "int64",
            "cap": "int64",
            "rarity": "float64",
        }
    )


def _rarity(frame: pd.DataFrame) -> pd.Series:
    """What a member's link is worth beside its kind's weight: 1, but for a facilitator's
    name, one over the number of routes the name is met on. A facilitator works one route;
    a name met on many is a common name (Rustam Karimov), and two reports sharing it on
    one route are more often namesakes than for a rare one. Like the linkage engine's term
    frequencies, but counted over routes: a channel's own facilitator met in fifty of its
    reports stays rare."""
    rarity = pd.Series(1.0, index=frame.index)
    names = frame["kind"] == "facilitator"
    if not names.any():
        return rarity
    # A facilitator's group is "name key|route|window"; the name key holds a "|" too.
    parts = frame.loc[names, "grp"].str.rsplit("|", n=2, expand=True)
    routes = parts[1].groupby(parts[0]).transform("nunique")
    rarity[names] = 1.0 / routes.astype("float64")
    return rarity


def steps() -> pd.DataFrame:
    """The offsets in date order a member of a large group links to."""
    return pd.DataFrame({"step": range(1, NEIGHBOURS + 1)}, dtype="int64")


def weights() -> pd.DataFrame:
    """LINK_WEIGHTS as a table the engines join."""
    return pd.DataFrame({"kind": list(LINK_WEIGHTS), "weight": list(LINK_WEIGHTS.values())})


def finish_links(links: pd.DataFrame) -> pd.DataFrame:
    """The sorted, weighed links of either engine as the one frame both return."""
    frame = links[list(LINK_COLUMNS)].astype({"a": "int64", "b": "int64", "weight": "float64"})
    return frame.reset_index(drop=True)


def _pairs_on_duckdb(members: pd.DataFrame) -> pd.DataFrame:
    with duckdb.connect(":memory:") as connection:
        connection.register("members", members)
        connection.register("steps", steps())
        connection.register("weights", weights())
        return finish_links(connection.execute(PAIRS_SQL).df())


Member = tuple[int, str, str, int]


def _identifier_members(reports: Sequence[Report]) -> Iterator[Member]:
    """A report's resolved identifiers and facilitators' name keys; values that do
    not resolve (a phone too short to be one) link nothing."""
    for pos, report in enumerate(reports):
        day = report.date.toordinal()
        resolved = (
            ("phone", [_phone_key(raw, report.agency) for raw in report.phones]),
            ("plate", [_plate_key(raw, report.agency) for raw in report.vehicle_plates]),
            ("document", [_document_key(raw) for raw in report.documents]),
            ("series", [_document_series(raw) for raw in report.documents]),
            ("transfer", [_transfer_key(raw) for raw in report.transfers]),
        )
        for kind, keys in resolved:
            for key in keys:
                if key:
                    yield pos, kind, key, day
        # A name is met on its own route within half a year only: names repeat across
        # the region, and a facilitator works one route for a time (a namesake on another
        # route, or years apart, is more often another person).
        route = _route_key(report)
        bucket = day // FACILITATOR_DAYS
        for name in report.facilitators:
            for key in name_keys(name):
                for window in (bucket - 1, bucket):
                    yield pos, "facilitator", f"{key}|{route}|{window}", day


def _block_members(reports: Sequence[Report]) -> Iterator[Member]:
    """A report's weak blocks, each in the two windows that hold its day."""
    for pos, report in enumerate(reports):
        day = report.date.toordinal()
        route = _route_key(report)
        blocks = (
            ("place-time", report.crossing_point, PLACE_TIME_DAYS),
            ("route", route, ROUTE_DAYS),
            ("modus", f"{route}|{report.modus}" if route and report.modus else "", ROUTE_DAYS),
        )
        for kind, block, span in blocks:
            if not block:
                continue
            bucket = day // span
            for window in (bucket - 1, bucket):
                yield pos, kind, f"{block}|{window}", day


def _route_key(report: Report) -> str:
    """Origin to destination countries; transit countries are left out because agencies
    see and write different parts of the way between."""
    if not report.origin or not report.destination:
        return ""
    return f"{'-'.join(report.origin)}>{'-'.join(report.destination)}"


# Resolving is per value in Python (phonenumbers parses each one); values repeat across
# reports (a channel's phone in each of its reports), so each is resolved once.
@lru_cache(maxsize=1 << 20)
def _phone_key(raw: str, agency: str) -> str | None:
    return identifiers.phone_key(raw, agency)


@lru_cache(maxsize=1 << 20)
def _plate_key(raw: str, country: str) -> str | None:
    return identifiers.plate_key(raw, country)


@lru_cache(maxsize=1 << 20)
def _document_key(raw: str) -> str | None:
    return identifiers.document_key(raw)


@lru_cache(maxsize=1 << 20)
def _document_series(raw: str) -> str | None:
    return identifiers.document_series(raw)


@lru_cache(maxsize=1 << 20)
def _transfer_key(raw: str) -> str | None:
    return identifiers.transfer_key(raw)
