"""Migration 0011 on a copy of the demo database: the plaintext of revision 0010 is sealed
in place; an interruption half-way leaves the database as it was, and running it again
finishes the work; every text opens to what it was, and the dump holds none of them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from interagency import migrations
from interagency.bootstrap import Container, bootstrap
from interagency.config import Settings
from interagency.council.models import AgendaItem, Meeting
from interagency.db import make_engine
from interagency.demo import load_demo
from interagency.records.models import Record
from interagency.vault import FileKeyProvider, Vault
from tests.integration.vault.test_demo_dump import demo_writing
from tests.support.databases import fresh_sqlite_database, settings_for
from tests.support.dumps import dump


class Interrupted(Exception):
    pass


class FailingVault(Vault):
    """The real vault, which gives up after sealing `limit` values (a crash half-way)."""

    def __init__(self, key_file: Path, limit: int) -> None:
        super().__init__(FileKeyProvider(key_file))
        self.left = limit

    def seal_text(self, session: Session, agency_id: int, text: str, *, context: str) -> bytes:
        self.left -= 1
        if self.left < 0:
            raise Interrupted
        return super().seal_text(session, agency_id, text, context=context)


def texts(container: Container) -> dict[str, list[str]]:
    with container.uow() as uow:
        session = uow.session
        return {
            "meetings": sorted(m.title for m in session.scalars(select(Meeting))),
            "items": sorted(i.title for i in session.scalars(select(AgendaItem))),
            "purposes": sorted(r.purpose for r in session.scalars(select(Record))),
        }


def columns(url: str, table: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {column["name"] for column in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        return migrations.current_revision(engine)
    finally:
        engine.dispose()


@pytest.fixture
def demo_copy(tmp_path: Path) -> tuple[str, Settings, dict[str, list[str]]]:
    """A copy of a demo database, taken back to revision 0010 (texts in plain columns)."""
    with fresh_sqlite_database(tmp_path / "original") as url:
        migrations.upgrade(url)
        settings = settings_for(
            url,
            key_dir=tmp_path / "keys",
            audit_witness_file=tmp_path / "keys" / "witness.jsonl",
            attachment_dir=tmp_path / "attachments",
        )
        container = bootstrap(settings)
        load_demo(container)
        before = texts(container)
        container.engine.dispose()
        database = Path(url.removeprefix("sqlite:///"))
        copy = tmp_path / "copy.db"
        shutil.copyfile(database, copy)
    copy_url = f"sqlite:///{copy}"
    migrations.downgrade(copy_url, "0010", vault=Vault(FileKeyProvider(settings.master_key_path)))
    return copy_url, settings.model_copy(update={"database_url": copy_url}), before


def test_the_migration_seals_the_demo_in_place_and_resumes_after_an_interruption(
    demo_copy: tuple[str, Settings, dict[str, list[str]]],
) -> None:
    url, settings, before = demo_copy
    engine = make_engine(url)
    plain = dump(url, engine)
    writing = demo_writing()
    assert "purpose" in columns(url, "records")
    assert any(text.encode() in plain for text in writing)  # revision 0010 held it plain

    with pytest.raises(Interrupted):
        migrations.upgrade(url, vault=FailingVault(settings.master_key_path, limit=40))
    assert revision(url) == "0010"
    assert "purpose" in columns(url, "records")  # nothing half-done

    migrations.upgrade(url, vault=Vault(FileKeyProvider(settings.master_key_path)))
    assert revision(url) == migrations.head_revision()
    assert "purpose_sealed" in columns(url, "records")

    sealed = dump(url, engine)
    assert [text[:60] for text in writing if text.encode() in sealed] == []
    assert "Возвращение иностранного боевика-террориста из зоны конфликта" in before["purposes"]
    container = bootstrap(settings)
    try:
        assert texts(container) == before
    finally:
        container.engine.dispose()
