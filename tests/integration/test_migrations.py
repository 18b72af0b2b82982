"""The migrations are the only way to a schema: they must match the models and undo cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

import interagency.models  # noqa: F401  (registers every table)
from interagency import migrations
from interagency.db import Base, make_engine
from tests.support.databases import FreshDatabase


def test_upgrade_builds_exactly_the_models_and_downgrade_removes_them(
    fresh_database: FreshDatabase,
) -> None:
    with fresh_database() as url:
        engine = make_engine(url)
        try:
            migrations.upgrade(url)
            assert migrations.current_revision(engine) == migrations.head_revision()
            with engine.connect() as connection:
                differences = compare_metadata(
                    MigrationContext.configure(connection), Base.metadata
                )
            assert differences == []

            migrations.downgrade(url, "base")
            assert migrations.current_revision(engine) is None
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

            migrations.upgrade(url)
            assert "member_states" in inspect(engine).get_table_names()
        finally:
            engine.dispose()
