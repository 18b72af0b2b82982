"""`interagency xcheck`: cross-check two tables of persons, or deduplicate one.

Registered by the application's CLI as `app.command("xcheck")(xcheck)`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Final, NoReturn

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape

from interagency.matching.batch import link
from interagency.matching.cleaning import Cleaned, SetAside, clean_people, counts_by_kind
from interagency.matching.engines import ENGINE_NAMES, DuckDBEngine, Engine, SparkEngine
from interagency.matching.features import InputError, person_features
from interagency.matching.model import LinkType, load_model, save_model
from interagency.matching.spark import DEFAULT_MASTER, SparkUnavailable, spark_session
from interagency.matching.tables import parse_renames, read_person_table
from interagency.progress import progress_of

BAD_INPUT: Final = 2
REJECTS_COLUMNS: Final = ("file", "row", "column", "value", "kind", "why", "kept")

_stderr = Console(stderr=True)

# The engine of a file command (`xcheck`, `channels detect`), as every such command asks.
EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        metavar="ENGINE",
        help="duckdb (one machine, the default) or spark (PySpark: the 'spark' extra).",
    ),
]


def xcheck(
    a: Annotated[
        Path,
        typer.Argument(
            help="First table of persons (CSV in UTF-8 or Parquet).",
            metavar="A",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            metavar="OUT",
            help="CSV to write: a_id,b_id,probability, one row per pair.",
            dir_okay=False,
        ),
    ],
    b: Annotated[
        Path | None,
        typer.Argument(
            help="Second table; without it, A is deduplicated.",
            metavar="B",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            metavar="M.json",
            help="Trained model (JSON). Used if the file exists; otherwise the model "
            "is trained on the inputs and saved there.",
            dir_okay=False,
        ),
    ] = None,
    threshold: Annotated[
        float,
        typer.Option("--threshold", min=0.0, max=1.0, help="Lowest match probability reported."),
    ] = 0.5,
    engine: EngineOption = "duckdb",
    spark_master: Annotated[
        str | None,
        typer.Option(
            "--spark-master",
            metavar="URL",
            help="Spark master (local[*], spark://host:7077, yarn); "
            "omit under spark-submit, which sets it.",
        ),
    ] = None,
    spark_checkpoint_dir: Annotated[
        str | None,
        typer.Option(
            "--spark-checkpoint-dir",
            metavar="DIR",
            help="Checkpoint directory every Spark executor reaches (HDFS, S3); "
            "a temporary directory by default, enough for local runs.",
        ),
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            metavar="OURS=THEIRS",
            help="OURS=THEIRS: read their column as one of ours (id, full_name, "
            "given_name, patronymic, surname, birth_date, sex, nationality, passport). "
            "Repeatable; applies to both files.",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Refuse a file with a value that cannot be read (an impossible date), "
            "instead of setting the value aside.",
        ),
    ] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Add to each pair, per field, the level at which it agreed and its weight.",
        ),
    ] = False,
) -> None:
    """Find the same persons in A and B (or within A) across scripts and spellings.

    A value that cannot be used (an impossible date, a placeholder such as 0000-00-00
    or passport 000000) is treated as missing; the row is kept and the value listed in
    OUT's rejects file (pairs.csv: pairs.rejects.csv) with its row and why.
    A hit is a possible match with its probability, never an identification.
    """
    if engine not in ENGINE_NAMES:
        raise typer.BadParameter(
            f"expected one of {', '.join(ENGINE_NAMES)}", param_hint="--engine"
        )
    try:
        renames = parse_renames(column or [])
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--column") from None
    paths = [path for path in (a, b) if path is not None]
    with progress_of("xcheck", out=_stderr) as meter:
        meter.stage("reading", len(paths))
        tables = []
        for path in paths:
            tables.append(_read(path, renames))
            meter.advance()
        rows = sum(len(table) for table in tables)
        meter.stage("checking values", rows)
        cleaned = []
        for path in paths:
            # The file as read is let go once checked: at a million rows it is a GiB.
            table = tables.pop(0)
            cleaned.append(_cleaned(path, table, strict=strict))
            meter.advance(len(table))
        meter.stage("features", rows)
        features = []
        for path, table in zip(paths, cleaned, strict=True):
            features.append(_features(path, table.table))
            meter.advance(len(table.table))
        set_aside = [table.set_aside for table in cleaned]
        del cleaned
        saved = _saved_model(model, "link_only" if b else "dedupe_only")
        result = link(
            features[0],
            features[1] if len(features) > 1 else None,
            model=saved,
            threshold=threshold,
            progress=meter.stage,
            engine=_engine(engine, spark_master, spark_checkpoint_dir),
            explain=explain,
        )
        meter.stage("writing", len(result.pairs))
        result.pairs.to_csv(out, index=False, float_format="%.6f")
        meter.advance(len(result.pairs))
        rejects = rejects_path(out)
        _write_rejects(rejects, paths, set_aside)
        if model is not None and saved is None:
            save_model(result.model, model)
    for path, entries in zip(paths, set_aside, strict=True):
        _stderr.print(_set_aside_summary(path, entries), highlight=False)
    _stderr.print(f"{len(result.pairs)} pairs at or above {threshold} written to {out}")
    _stderr.print(f"values set aside written to {rejects}")


def rejects_path(out: Path) -> Path:
    """Where the values set aside go: beside OUT, pairs.csv giving pairs.rejects.csv."""
    return out.with_name(f"{out.stem}.rejects.csv")


def _write_rejects(path: Path, paths: list[Path], set_aside: list[tuple[SetAside, ...]]) -> None:
    rows = [
        (source.name, entry.row, entry.column, entry.value, entry.kind.value, entry.why, entry.kept)
        for source, entries in zip(paths, set_aside, strict=True)
        for entry in entries
    ]
    pd.DataFrame(rows, columns=list(REJECTS_COLUMNS)).to_csv(path, index=False)


def _set_aside_summary(path: Path, entries: tuple[SetAside, ...]) -> str:
    counts = counts_by_kind(entries)
    if not counts:
        return f"{path.name}: every value used"
    per_column = "; ".join(
        f"{column} {sum(kinds.values())} ("
        + ", ".join(f"{kind} {n}" for kind, n in kinds.most_common())
        + ")"
        for column, kinds in counts.items()
    )
    return f"{path.name}: {len(entries)} values set aside: {escape(per_column)}"


def _read(path: Path, renames: dict[str, str]) -> pd.DataFrame:
    try:
        return read_person_table(path, renames)
    except InputError as error:
        _fail(str(error))


def _cleaned(path: Path, table: pd.DataFrame, *, strict: bool) -> Cleaned:
    try:
        return clean_people(table, strict=strict)
    except InputError as error:
        _fail(f"{path.name}: {error} (without --strict the value is set aside)")


def _features(path: Path, table: pd.DataFrame) -> pd.DataFrame:
    try:
        return person_features(table, workers=os.cpu_count() or 1)
    except InputError as error:
        _fail(f"{path.name}: {error}")


def _engine(name: str, master: str | None, checkpoint_dir: str | None) -> Engine:
    if name == "duckdb":
        return DuckDBEngine()
    try:
        session = spark_session(master or _default_master(), checkpoint_dir=checkpoint_dir)
    except SparkUnavailable as error:
        _fail(str(error))
    return SparkEngine(session)


def _default_master() -> str | None:
    # Under spark-submit the master is already in the configuration.
    return None if os.environ.get("SPARK_ENV_LOADED") else DEFAULT_MASTER


def _saved_model(path: Path | None, link_type: LinkType) -> dict[str, Any] | None:
    if path is None or not path.exists():
        return None
    try:
        return load_model(path, link_type)
    except (ValueError, UnicodeDecodeError) as error:
        _fail(f"{path.name}: not a saved linkage model ({error})")


def _fail(message: str) -> NoReturn:
    _stderr.print(f"[red]error:[/red] {escape(message)}", highlight=False)
    raise typer.Exit(BAD_INPUT)


__all__ = ["xcheck"]
