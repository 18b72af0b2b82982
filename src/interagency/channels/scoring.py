"""How close found channels are to planted ones: the adjusted Rand index.

The quality benchmark scores the engine against a generator's truth, and the target is
stated in this index (issue 29). It is written here, over pair counts of the contingency
table, so that the figure does not depend on how another library treats reports that
belong to no channel: here such a report is a cluster of its own, in the truth and in
what was found alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def _cluster_of(report_id: str, channel: str | None) -> Hashable:
    # A report in no channel is alone: a key no channel id can take.
    return ("alone", report_id) if channel is None else ("channel", channel)


def adjusted_rand_index(truth: Mapping[str, str | None], found: Mapping[str, str | None]) -> float:
    """The adjusted Rand index of `found` against `truth`, over the report ids of `truth`.

    A report id missing from `found`, or mapped to None in either, is a cluster of its own.
    1.0 when both partitions are the same, about 0.0 for a chance agreement (it can be
    negative). Symmetric when both mappings hold the same report ids."""
    ids = list(truth)
    total = len(ids)
    if total < 2:
        return 1.0
    true_clusters = Counter(_cluster_of(i, truth[i]) for i in ids)
    found_clusters = Counter(_cluster_of(i, found.get(i)) for i in ids)
    cells = Counter((_cluster_of(i, truth[i]), _cluster_of(i, found.get(i))) for i in ids)

    together_in_both = sum(_pairs(n) for n in cells.values())
    together_in_truth = sum(_pairs(n) for n in true_clusters.values())
    together_in_found = sum(_pairs(n) for n in found_clusters.values())
    expected = together_in_truth * together_in_found / _pairs(total)
    best = (together_in_truth + together_in_found) / 2
    if best == expected:
        # Only when both are all singletons or both one cluster: the same partition.
        return 1.0
    return (together_in_both - expected) / (best - expected)
