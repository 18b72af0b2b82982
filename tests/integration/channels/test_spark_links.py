"""Spark and DuckDB find the same candidate links on a small set of reports that has
every kind of link, a block past its cap and a key shared past its cap. Spark is slow to
start, so the module holds one local session and one comparison."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest

from interagency.channels.linking import LINK_WEIGHTS, candidate_links
from interagency.channels.reports import Report
from interagency.channels.spark_links import candidate_links_spark
from interagency.matching.spark import spark_session

pytestmark = pytest.mark.slow

DAY = date(2026, 5, 4)


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    session = spark_session("local[2]", checkpoint_dir=str(tmp_path_factory.mktemp("spark")))
    yield session
    session.stop()


def _reports() -> list[Report]:
    base = Report(
        report_id="r",
        agency="UZB",
        date=DAY,
        crossing_point="",
        origin=("AFG",),
        transit=(),
        destination=("RUS",),
        modus="truck-hidden",
        migrants=6,
        migrant_nationalities={"AFG": 6},
    )
    reports = [
        replace(base, phones=("+998 90 123-45-67",), facilitators=("Кадыров Рустам",)),
        replace(base, phones=("901234567",), facilitators=("Rustam Qodirov",)),
        replace(base, vehicle_plates=("01 А 123 ВС",), documents=("AB1234567",)),
        replace(base, vehicle_plates=("01A123BC",), documents=("AB1234599",)),
        replace(
            base,
            transfers=("MTCN 4417 2290 31",),
            documents=("N 4455 6677",),
            date=DAY + timedelta(days=40),
        ),
        replace(
            base, transfers=("MTCN4417229031",), documents=("N44556677",), destination=("KAZ",)
        ),
    ]
    # Sixty reports at one crossing point over three weeks (a block past its cap) and a
    # hotline in 210 of them and the others (a key past its cap).
    crowd = [
        replace(
            base,
            crossing_point="UZB-OYBEK",
            date=DAY + timedelta(days=i % 21),
            origin=(),
            modus="",
        )
        for i in range(60)
    ]
    hotline = [
        replace(base, phones=("+998712000000",), date=DAY - timedelta(days=i)) for i in range(210)
    ]
    return reports + crowd + hotline


def test_spark_finds_the_links_duckdb_finds(spark: Any) -> None:
    reports = _reports()
    on_duckdb = candidate_links(reports)
    on_spark = candidate_links_spark(reports, spark)

    pd.testing.assert_frame_equal(on_spark, on_duckdb)
    # The set exercises every kind, and the caps: the hotline's 210 reports link to
    # their next five only, not all 21,945 pairs.
    assert set(on_duckdb["kind"]) == set(LINK_WEIGHTS)
    assert (on_duckdb["kind"] == "phone").sum() == 1 + 5 * 210 - 15


def test_the_spark_engine_is_chosen_by_name(spark: Any) -> None:
    # The session of this module is running: the engine reuses it (`getOrCreate`).
    reports = _reports()[:6]
    on_spark = candidate_links(reports, engine="spark")
    pd.testing.assert_frame_equal(on_spark, candidate_links(reports))
    assert not on_spark.empty
