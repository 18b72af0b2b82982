"""Spark sessions for the linkage engine (PySpark is the optional `spark` extra).

Splink's Jaro-Winkler and Damerau-Levenshtein functions for Spark come in a jar that
Splink ships; the session must load it at start, and prediction needs a checkpoint
directory (Splink breaks long query plans by checkpointing). On a cluster the
checkpoint directory must be on storage every executor reaches (HDFS, S3).
"""

from __future__ import annotations

import tempfile
from typing import Any, Final

DEFAULT_MASTER: Final = "local[*]"


class SparkUnavailable(RuntimeError):
    """PySpark (or a Java runtime for it) is not installed."""


def spark_session(
    master: str | None = DEFAULT_MASTER,
    *,
    checkpoint_dir: str | None = None,
    app_name: str = "interagency-xcheck",
    config: dict[str, str] | None = None,
) -> Any:
    """A Spark session ready for Splink: the similarity jar loaded and a checkpoint
    directory set. `master` None leaves the master to `spark-submit` (a cluster);
    a session already running in this process is reused, with its settings.

    Raises SparkUnavailable when PySpark is not installed.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise SparkUnavailable(
            "the Spark engine needs PySpark: pip install 'interagency[spark]'"
        ) from error
    from splink.backends.spark import similarity_jar_location

    builder = SparkSession.builder.appName(app_name).config("spark.jars", similarity_jar_location())
    if master is not None:
        builder = builder.master(master)
    if master is not None and master.startswith("local"):
        # A local session talks to itself only; the machine's name may not resolve.
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
        # Few, small partitions: the default 200 shuffle partitions cost more in
        # scheduling than a local run of this size spends on work.
        builder = builder.config("spark.sql.shuffle.partitions", "8").config(
            "spark.ui.enabled", "false"
        )
    for key, value in (config or {}).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    if not session.sparkContext.getCheckpointDir():
        directory = checkpoint_dir or tempfile.mkdtemp(prefix="interagency-spark-")
        session.sparkContext.setCheckpointDir(directory)
    return session
