"""The SQL engines that run a linkage: DuckDB on one machine, Apache Spark beyond it.

An engine only supplies Splink's database API; the model, its comparisons and its
candidate rules are the same on both, because every name feature is computed in
Python before the engine sees the data (`features.py`) and the comparisons use
only SQL that both dialects have (`compare.py`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, Protocol

import duckdb
import pandas as pd
from splink import DuckDBAPI

EngineName = Literal["duckdb", "spark"]
ENGINE_NAMES: Final[tuple[EngineName, ...]] = ("duckdb", "spark")


class Engine(Protocol):
    """Where Splink runs: a fresh database API for each linker."""

    @property
    def name(self) -> EngineName:
        """ "duckdb" or "spark"."""
        ...

    def database_api(self) -> Any:
        """A Splink database API (`DuckDBAPI`, `SparkAPI`)."""
        ...

    def table(self, frame: pd.DataFrame) -> Any:
        """`frame` in the form this engine's API registers best."""
        ...


@dataclass(frozen=True, slots=True)
class EngineLimits:
    """Resources the DuckDB engine may use."""

    memory_limit: str = "4GB"
    temp_directory: Path | None = None
    threads: int | None = None


def connect(limits: EngineLimits) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection that spills to disk within its memory limit."""
    temp = limits.temp_directory or Path(tempfile.gettempdir()) / "interagency-duckdb"
    config: dict[str, Any] = {"memory_limit": limits.memory_limit, "temp_directory": str(temp)}
    if limits.threads:
        config["threads"] = limits.threads
    return duckdb.connect(":memory:", config=config)


@dataclass(frozen=True)
class DuckDBEngine:
    """One machine: an in-memory DuckDB database that spills to disk."""

    limits: EngineLimits = EngineLimits()
    name: EngineName = "duckdb"

    def database_api(self) -> Any:
        return DuckDBAPI(connect(self.limits))

    def table(self, frame: pd.DataFrame) -> Any:
        return frame


@dataclass(frozen=True)
class SparkEngine:
    """A Spark session: local for tests and small runs, a cluster's in production
    (see `spark.py` for how a session is made)."""

    session: Any  # pyspark.sql.SparkSession; pyspark is an optional dependency
    name: EngineName = "spark"

    def database_api(self) -> Any:
        from splink.backends.spark import SparkAPI

        return SparkAPI(spark_session=self.session)  # type: ignore[no-untyped-call]

    def table(self, frame: pd.DataFrame) -> Any:
        """A Spark DataFrame with the column types of `frame` and nulls where it has
        missing values. Typed here, because Spark cannot infer the type of a column
        that is empty in a small table (no patronymics, say)."""
        from pyspark.sql.types import BooleanType, LongType, StringType, StructField, StructType

        def spark_type(dtype: Any) -> Any:
            if pd.api.types.is_bool_dtype(dtype):
                return BooleanType()
            if pd.api.types.is_integer_dtype(dtype):
                return LongType()
            return StringType()

        schema = StructType(
            [StructField(str(c), spark_type(t), nullable=True) for c, t in frame.dtypes.items()]
        )
        rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
        return self.session.createDataFrame(list(rows), schema)
