"""Channels as communities of the graph of candidate links between reports.

The reports are the nodes; two reports are joined by one edge whose weight is the sum of
the weights of every kind of link they share (`linking.LINK_WEIGHTS`). The communities
are found by the Leiden algorithm (Traag, van Eck & Waltman 2019), as implemented in
igraph's C core, with a fixed seed so that the same input gives the same channels.

Why the Constant Potts Model and not modularity
-----------------------------------------------
Modularity compares each community with what a random graph of the same *total* weight
would hold. With a million reports that expectation is close to nothing, so a single
weak link between two channels already pays for merging them: the resolution limit.
The Constant Potts Model judges a community by its own density instead: two groups of
n1 and n2 reports stay apart unless the weight between them exceeds
`resolution` x n1 x n2, whatever the size of the rest of the graph. A channel found in a
thousand reports is then the same as found in a million.

Why `RESOLUTION` is 0.1
------------------------
With a strong link weighing about 1, a resolution of 0.1 asks a channel to hold, on
average, a tenth of a strong link per pair of its reports. A channel whose phones rotate
still does: each phone ties a handful of reports, consecutive phones overlap and its
facilitators' names tie the whole. Two channels of ten reports on one corridor stay apart
unless the hundred pairs between them weigh ten strong links, far more than a broker's
phone or a few place-and-time coincidences (0.15 each) give. A report tied to a channel by
weak links alone (the same crossing point in the same weeks, the same route and modus)
joins its community when those links outweigh 0.1 per member (and is then taken out
again, below). On the benchmark's planted channels (`benchmarks/channels.py`, 20,000
reports, seed 3) 0.1 scored best: adjusted Rand index 0.83, against 0.80 at 0.05, 0.73 at
0.03 and 0.79 at 0.2; a lower resolution merges channels that share a corridor, a higher
one splits long channels.

What is a channel
-----------------
A report that no strong link ties to another report of its community is taken out of
it: what it shares with them (route, crossing point and time, modus) is more often a
coincidence of a busy corridor than the channel's work. A community of one report is then
no channel; every other community is a channel, named by a hash of its sorted report ids
so that the same reports get the same id in every run and on every machine.
"""

from __future__ import annotations

import base64
import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import igraph
import numpy as np
import numpy.typing as npt
import pandas as pd

from interagency.channels.linking import IDENTIFIER_KINDS, LINK_WEIGHTS

# Links by resolved identifiers and facilitators' names: what a channel must hold at
# least one of. The other kinds (place-time, route, modus) are weak.
STRONG_KINDS: Final = frozenset(IDENTIFIER_KINDS)
RESOLUTION: Final = 0.1
CHANNEL_PREFIX: Final = "CH-"
# 12 base32 characters are 60 bits: two of half a million channels share an id with a
# chance of about one in ten million. Base32 has no 0/O or 1/I to misread.
CHANNEL_HASH_CHARS: Final = 12

# How a report's reasons are listed: identifiers first, in `LINK_WEIGHTS` order (the
# strongest first), then kinds it does not know, by name.
KIND_ORDER: Final = tuple(LINK_WEIGHTS)

NO_LINK: Final = "no link to another report"
WEAK_ONLY: Final = "no channel: no strong link ties it to its group"
ALONE: Final = "no channel: not close enough to any"

Positions = npt.NDArray[np.int64]
Weights = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Channel:
    """One channel: its id, its reports (in the input's order), how sure it is.

    `confidence` is in [0, 1]: of all the link weight touching the channel's reports,
    the share that is strong links between its own members. It is high when identifiers
    tie the reports together and few links lead out; weak links inside and links to
    other reports lower it."""

    id: str
    report_ids: tuple[str, ...]
    confidence: float


@dataclass(frozen=True, slots=True)
class Found:
    """Channels over reports given by position: `channel_of[i]` is the id of report i's
    channel or None, `why[i]` says which of its links put it there (or why none)."""

    channels: tuple[Channel, ...]
    channel_of: tuple[str | None, ...]
    why: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Pairs:
    """The links added up per pair of reports: one edge of the graph each."""

    a: Positions
    b: Positions
    weight: Weights
    strong: Weights  # the part of `weight` that strong kinds give


def find_channels(
    links: pd.DataFrame,
    report_ids: Sequence[str],
    *,
    seed: int = 7,
    resolution: float = RESOLUTION,
) -> Found:
    """The channels among `report_ids`, given their `links` (`linking.LINK_COLUMNS`:
    `a` < `b` positions in `report_ids`, `kind`, `weight`; several rows per pair).

    The same links, ids and seed give the same channels and ids. Raises ValueError for a
    link to a position outside `report_ids` or for a resolution that is not positive."""
    count = len(report_ids)
    if resolution <= 0:
        raise ValueError(f"resolution must be positive, not {resolution}")
    ends = links[["a", "b"]].to_numpy(dtype=np.int64)
    if len(ends) and (ends.min() < 0 or ends.max() >= count):
        raise ValueError(f"a link names a report outside the {count} given")
    pairs = _pairs(links, count)
    partition = _leiden(count, pairs, seed=seed, resolution=resolution)
    community = _strongly_tied(partition, pairs)
    weighed = _weighed(community, pairs)
    channels, channel_index = _channels(community, weighed, report_ids)
    channel_of = tuple(None if i < 0 else channels[i].id for i in channel_index.tolist())
    grouped = np.bincount(partition, minlength=1)[partition] > 1
    why = _reasons(links, community, weighed, grouped)
    return Found(channels=channels, channel_of=channel_of, why=why)


def _pairs(links: pd.DataFrame, count: int) -> _Pairs:
    """Parallel links of one pair added up into one edge, in numpy: on a million reports
    there are tens of millions of links, and a pandas group-by per pair is the slow part."""
    a = links["a"].to_numpy(dtype=np.int64)
    b = links["b"].to_numpy(dtype=np.int64)
    weight = links["weight"].to_numpy(dtype=np.float64)
    strong = np.where(links["kind"].isin(STRONG_KINDS).to_numpy(), weight, 0.0)
    # One integer per unordered pair; np.unique sorts them, so the graph's edges come in
    # the same order whatever order the links came in.
    low, high = np.minimum(a, b), np.maximum(a, b)
    key, edge_of = np.unique(low * max(count, 1) + high, return_inverse=True)
    return _Pairs(
        a=key // max(count, 1),
        b=key % max(count, 1),
        weight=_sums(edge_of, weight, len(key)),
        strong=_sums(edge_of, strong, len(key)),
    )


def _sums(of: Positions, weights: Weights, length: int) -> Weights:
    """The weights added up per label 0..length-1."""
    return np.bincount(of, weights=weights, minlength=length).astype(np.float64, copy=False)


def _leiden(count: int, pairs: _Pairs, *, seed: int, resolution: float) -> Positions:
    """Each report's community by Leiden over the Constant Potts Model.

    igraph's own Leiden, rather than the `leidenalg` package: the same algorithm by the
    same author, measured twenty times faster on a million reports (14 s against 4.5 min
    for one partition, equal in size). igraph draws its random numbers from a generator
    set for the whole process; it is set to one seeded here for the call, then given back
    the `random` module igraph starts with."""
    graph = igraph.Graph(n=count, edges=np.column_stack((pairs.a, pairs.b)))
    # Reproducibility, not secrecy: a seeded generator is the point.
    igraph.set_random_number_generator(random.Random(seed))  # noqa: S311
    try:
        clustering = graph.community_leiden(
            objective_function="CPM",
            weights=pairs.weight,
            resolution=resolution,
            # igraph's default. Iterating until no report moves scored the same on the
            # benchmark (adjusted Rand index within 0.002) at six times the time.
            n_iterations=2,
        )
    finally:
        igraph.set_random_number_generator(random)
    return np.asarray(clustering.membership, dtype=np.int64)


def _strongly_tied(community: Positions, pairs: _Pairs) -> Positions:
    """The communities without their reports that no strong link ties to another member:
    each of those is left on its own. A report that shares only a crossing point, weeks,
    a route or a modus with a channel is more often a lone group on a busy corridor than
    the channel's (on the benchmark's 20,000 reports, a quarter of the lone reports were
    placed in a channel by such ties; after this, a tenth)."""
    inside = (community[pairs.a] == community[pairs.b]) & (pairs.strong > 0)
    tied = np.zeros(len(community), dtype=np.bool_)
    tied[pairs.a[inside]] = True
    tied[pairs.b[inside]] = True
    loose = np.flatnonzero(~tied)
    separated = community.copy()
    # Labels beyond the Leiden ones, one per loose report.
    separated[loose] = community.max(initial=-1) + 1 + np.arange(len(loose), dtype=np.int64)
    return separated


@dataclass(frozen=True, slots=True)
class _Weighed:
    """Per community: its size, the strong weight inside it, and all the weight touching
    it (the links inside once, and every link leaving it)."""

    size: Positions
    strong_inside: Weights
    touching: Weights

    @property
    def is_channel(self) -> npt.NDArray[np.bool_]:
        """Two reports or more, and a strong link inside."""
        result: npt.NDArray[np.bool_] = (self.size >= 2) & (self.strong_inside > 0)
        return result


def _weighed(community: Positions, pairs: _Pairs) -> _Weighed:
    size = np.bincount(community, minlength=1)
    labels = len(size)
    first, second = community[pairs.a], community[pairs.b]
    inside = first == second

    def total(of: Positions, weights: Weights) -> Weights:
        return _sums(of, weights, labels)

    return _Weighed(
        size=size,
        strong_inside=total(first[inside], pairs.strong[inside]),
        touching=total(first[inside], pairs.weight[inside])
        + total(first[~inside], pairs.weight[~inside])
        + total(second[~inside], pairs.weight[~inside]),
    )


def _channels(
    community: Positions, weighed: _Weighed, report_ids: Sequence[str]
) -> tuple[tuple[Channel, ...], Positions]:
    """The channels, in the order of their first report, and each report's index among
    them (-1 for none)."""
    labels = len(weighed.size)
    # Members grouped by community, each group in input order (a stable sort).
    order = np.argsort(community, kind="stable")
    starts = np.searchsorted(community[order], np.arange(labels))
    ends = np.append(starts[1:], len(order))
    found: list[tuple[int, Channel]] = []
    for label in np.flatnonzero(weighed.is_channel).tolist():
        members = order[starts[label] : ends[label]]
        ids = tuple(report_ids[i] for i in members.tolist())
        confidence = min(1.0, float(weighed.strong_inside[label] / weighed.touching[label]))
        found.append((int(members[0]), Channel(channel_id(ids), ids, confidence)))
    found.sort(key=lambda first_and_channel: first_and_channel[0])
    index_of_label = np.full(labels, -1, dtype=np.int64)
    for index, (first, _) in enumerate(found):
        index_of_label[community[first]] = index
    return tuple(channel for _, channel in found), index_of_label[community]


def channel_id(report_ids: Sequence[str]) -> str:
    """A channel's id from its reports alone, in any order: "CH-" and 12 base32 letters."""
    digest = hashlib.sha256("\n".join(sorted(report_ids)).encode("utf-8")).digest()
    return CHANNEL_PREFIX + base64.b32encode(digest).decode("ascii")[:CHANNEL_HASH_CHARS]


def _reasons(
    links: pd.DataFrame,
    community: Positions,
    weighed: _Weighed,
    grouped: npt.NDArray[np.bool_],
) -> tuple[str, ...]:
    """Why each report is where it is: for a channel's report, the kinds of its links to
    the other reports of the channel with their counts ("phone×2, facilitator×1"); for
    a report in no channel, why not (`grouped`: Leiden put it with others, but no strong
    link tied it to them) and the links it has."""
    count = len(community)
    kinds = sorted(set(links["kind"]), key=_kind_rank)
    code_of = {kind: code for code, kind in enumerate(kinds)}
    a = links["a"].to_numpy(dtype=np.int64)
    b = links["b"].to_numpy(dtype=np.int64)
    code = links["kind"].map(code_of).to_numpy(dtype=np.int64)
    in_channel = weighed.is_channel[community]
    inside = (community[a] == community[b]) & in_channel[a]
    # Each link counts for both of its reports: for a channel's report only the links
    # inside the channel, for another report all of them.
    report = np.concatenate((a, b))
    kind = np.concatenate((code, code))
    counted = np.concatenate((inside, inside)) | ~in_channel[report]
    width = max(len(kinds), 1)
    # np.unique sorts by report, then by kind in `_kind_rank` order: the order listed.
    key, times = np.unique(report[counted] * width + kind[counted], return_counts=True)
    parts: list[list[str]] = [[] for _ in range(count)]
    for position, kind_code, n in zip(
        (key // width).tolist(), (key % width).tolist(), times.tolist(), strict=True
    ):
        parts[position].append(f"{kinds[kind_code]}×{n}")
    return tuple(
        _reason(", ".join(parts[i]), in_channel=bool(in_channel[i]), grouped=bool(grouped[i]))
        for i in range(count)
    )


def _reason(listed: str, *, in_channel: bool, grouped: bool) -> str:
    if in_channel:
        return listed
    if not listed:
        return NO_LINK
    return f"{WEAK_ONLY if grouped else ALONE}: {listed}"


def _kind_rank(kind: str) -> tuple[int, str]:
    known = kind in KIND_ORDER
    return (KIND_ORDER.index(kind) if known else len(KIND_ORDER), kind)
