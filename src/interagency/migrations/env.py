"""Alembic environment: runs migrations on a given connection or on the configured URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import interagency.models  # noqa: F401  (registers every feature's tables on Base.metadata)
from interagency.db import Base, make_engine


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            _check_foreign_keys(connection)


def _check_foreign_keys(connection: Connection) -> None:
    """SQLite rebuilds a table to change it, with foreign keys off (see `run`): every
    reference must hold again before the migration commits."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise RuntimeError(f"the migration left broken references in {', '.join(tables)}")


def _foreign_keys(connection: Connection, on: bool) -> None:
    # Outside any transaction (SQLite ignores the pragma inside one), on the driver's
    # connection, so that no BEGIN is sent first.
    dbapi = connection.connection.dbapi_connection
    assert dbapi is not None
    dbapi.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or "")
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as fresh:
            # SQLite changes a table by rebuilding it: dropping the old one would delete
            # (or refuse) the rows that refer to it. SQLite's own procedure for it turns
            # foreign keys off meanwhile; `run_on` checks them all before committing.
            if sqlite:
                _foreign_keys(fresh, on=False)
            run_on(fresh)
            fresh.commit()
            if sqlite:
                _foreign_keys(fresh, on=True)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported: run them against a database")
run()
