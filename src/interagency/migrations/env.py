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


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as fresh:
            run_on(fresh)
            fresh.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported: run them against a database")
run()
