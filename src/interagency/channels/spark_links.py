"""Candidate links computed on Apache Spark, for report sets beyond one machine.

The reports' keys and blocks are the same memberships that the DuckDB engine pairs
(`linking.memberships`), and the pairing is the same SQL text (`linking.PAIRS_SQL`), run
by Spark over Spark DataFrames: the same keys, blocking and caps give the same links.
PySpark is the optional `spark` extra; it is imported only here, when Spark is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import pandas as pd

from interagency.channels.linking import PAIRS_SQL, finish_links, memberships, steps, weights
from interagency.channels.reports import Report

_MEMBERS_SCHEMA: Final = (
    "pos BIGINT, kind STRING, grp STRING, day_number BIGINT, span BIGINT, cap BIGINT, rarity DOUBLE"
)
_STEPS_SCHEMA: Final = "step BIGINT"
_WEIGHTS_SCHEMA: Final = "kind STRING, weight DOUBLE"


def candidate_links_spark(reports: Sequence[Report], spark: Any) -> pd.DataFrame:
    """Links between `reports` as `linking.candidate_links` returns them, paired by
    the Spark session `spark` (a `pyspark.sql.SparkSession`)."""
    tables = {
        "members": spark.createDataFrame(memberships(reports), schema=_MEMBERS_SCHEMA),
        "steps": spark.createDataFrame(steps(), schema=_STEPS_SCHEMA),
        "weights": spark.createDataFrame(weights(), schema=_WEIGHTS_SCHEMA),
    }
    # The views carry the names the shared SQL reads; they live in this session only
    # and are dropped at once, so a later run never reads an earlier run's reports.
    for name, table in tables.items():
        table.createOrReplaceTempView(name)
    try:
        links = spark.sql(PAIRS_SQL).toPandas()
    finally:
        for name in tables:
            spark.catalog.dropTempView(name)
    return finish_links(links)
