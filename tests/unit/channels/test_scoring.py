"""The adjusted Rand index of the quality benchmark, against values worked out by hand."""

from __future__ import annotations

from collections import Counter

import pytest

from interagency.channels.scoring import adjusted_rand_index

# a, b, c planted together, d and e together; found: a and b, then c, d, e.
# Contingency cells 2, 1, 2: pairs together in both = 1 + 0 + 1 = 2.
# Pairs in the truth: 3 + 1 = 4; in what was found: 1 + 3 = 4; all pairs: 10.
# Expected by chance 4 * 4 / 10 = 1.6; best (4 + 4) / 2 = 4.
# ARI = (2 - 1.6) / (4 - 1.6) = 1 / 6.
TRUTH = {"a": "X", "b": "X", "c": "X", "d": "Y", "e": "Y"}
FOUND = {"a": "P", "b": "P", "c": "Q", "d": "Q", "e": "Q"}


def test_the_same_partition_under_other_names_scores_one() -> None:
    renamed = {"a": "1", "b": "1", "c": "1", "d": "2", "e": "2"}
    assert adjusted_rand_index(TRUTH, renamed) == 1.0


def test_a_small_example_worked_by_hand() -> None:
    assert adjusted_rand_index(TRUTH, FOUND) == pytest.approx(1 / 6)


def test_it_is_symmetric() -> None:
    assert adjusted_rand_index(FOUND, TRUTH) == pytest.approx(adjusted_rand_index(TRUTH, FOUND))


def test_a_report_in_no_channel_is_a_cluster_of_its_own() -> None:
    # Truth: a, b together; c and d alone. Found: a, b, c together; d alone.
    # Pairs together in both 1; in the truth 1; found 3; all pairs 6.
    # Expected 1 * 3 / 6 = 0.5; best 2. ARI = (1 - 0.5) / (2 - 0.5) = 1 / 3.
    truth = {"a": "X", "b": "X", "c": None, "d": None}
    found = {"a": "P", "b": "P", "c": "P", "d": None}
    assert adjusted_rand_index(truth, found) == pytest.approx(1 / 3)


def test_two_reports_in_no_channel_are_not_together() -> None:
    # Truth: two singletons (no pair together); found: one pair. Expected 0, best 0.5.
    assert adjusted_rand_index({"a": None, "b": None}, {"a": "P", "b": "P"}) == 0.0


def test_a_report_missing_from_what_was_found_counts_as_alone() -> None:
    without_e = {key: value for key, value in FOUND.items() if key != "e"}
    with_e_alone = {**without_e, "e": None}
    assert adjusted_rand_index(TRUTH, without_e) == adjusted_rand_index(TRUTH, with_e_alone)
    # Found: a, b together; c, d together; e alone. Pairs together in both: a-b only (1).
    # Found pairs 1 + 1 = 2; truth 4; all 10. Expected 4 * 2 / 10 = 0.8; best 3.
    # ARI = (1 - 0.8) / (3 - 0.8) = 1 / 11.
    assert adjusted_rand_index(TRUTH, without_e) == pytest.approx(1 / 11)


def test_every_report_in_no_channel_on_both_sides_agrees() -> None:
    assert adjusted_rand_index({"a": None, "b": None}, {}) == 1.0


# -- the benchmark's generator, lightly: what the index is computed against -------------


def test_the_generator_plants_channels_and_lone_reports() -> None:
    from tests.unit.benchmarks.modules import benchmark

    data = benchmark("channels_data").generate(400, seed=5)
    ids = [row["report_id"] for row in data.reports]
    assert len(ids) == len(set(ids)) == 400
    assert set(data.truth) == set(ids)
    sizes = Counter(channel for channel in data.truth.values() if channel is not None)
    assert len(sizes) >= 10
    assert min(sizes.values()) >= 2
    lone = [rid for rid, channel in data.truth.items() if channel is None]
    # One report in ten belongs to no channel (a planted channel may overshoot by two).
    assert 38 <= len(lone) <= 40
    assert {data.kind[rid] for rid in lone} == {"lone"}
    for row in data.reports:
        counted = sum(int(part.split(":")[1]) for part in row["migrant_nationalities"].split(";"))
        assert counted == int(row["migrants"])
