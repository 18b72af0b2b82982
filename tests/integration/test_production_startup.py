"""Production refuses to start unsafely, down to the database role it connects as."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from interagency import migrations
from interagency.bootstrap import StartupRefused, bootstrap
from interagency.config import Environment, Settings
from interagency.db import make_engine
from tests.support.databases import fresh_postgres_database

SECRET = "p" * 48


def production_settings(database_url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        environment=Environment.PRODUCTION,
        secret_key=SECRET,
        database_url=database_url,
        base_url="https://interagency.example",
        trusted_proxies=["127.0.0.1"],
        jobs_queue_url="redis://127.0.0.1:6379/0",
    )


def test_production_on_sqlite_with_the_demo_secret_lists_every_reason() -> None:
    settings = Settings(_env_file=None, environment=Environment.PRODUCTION)  # type: ignore[call-arg]
    with pytest.raises(StartupRefused) as refused:
        bootstrap(settings, engine=make_engine("sqlite://"))
    text_of = str(refused.value)
    assert "INTERAGENCY_SECRET_KEY" in text_of
    assert "SQLite" in text_of
    assert "https://" in text_of


def test_production_refuses_the_owner_and_accepts_the_application_role(postgres_url: str) -> None:
    with fresh_postgres_database(postgres_url) as owner_url:
        migrations.upgrade(owner_url)
        owner_engine = make_engine(owner_url)
        with pytest.raises(StartupRefused, match="owner"):
            bootstrap(production_settings(owner_url), engine=owner_engine)

        role = f"interagency_app_{uuid.uuid4().hex[:8]}"
        database = make_url(owner_url).database
        admin = create_engine(owner_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE ROLE "{role}" LOGIN'))
                connection.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"'))
                connection.execute(text(f'GRANT USAGE ON SCHEMA public TO "{role}"'))
                grant = "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO"
                connection.execute(text(f'{grant} "{role}"'))
            app_url = make_url(owner_url).set(username=role).render_as_string(hide_password=False)
            app_engine = make_engine(app_url)
            container = bootstrap(production_settings(app_url), engine=app_engine)
            assert container.settings.is_production
            app_engine.dispose()
        finally:
            owner_engine.dispose()
            with admin.connect() as connection:
                connection.execute(text(f'DROP OWNED BY "{role}"'))
                connection.execute(text(f'DROP ROLE "{role}"'))
            admin.dispose()
