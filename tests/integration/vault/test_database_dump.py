"""A database dump alone reveals no content: sealed text and its index terms show no word
of it, on SQLite (the database file's bytes) and on PostgreSQL (every row of every table),
while the key file opens it all."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    select,
)
from sqlalchemy.orm import Session

from interagency import migrations
from interagency.db import UnitOfWork, make_engine, make_session_factory
from interagency.identity.models import Agency, AgencyKind, MemberState
from interagency.vault import FileKeyProvider, Vault
from tests.support.databases import FreshDatabase
from tests.support.dumps import dump

SECRETS = (
    "Агент «Сокол» пересечёт границу у Хоргоса 14 марта",
    "Informant NIGHTJAR meets the courier in Aktau harbour",
)
# Stored in clear beside the sealed rows: proves that the dump is read at all.
VISIBLE_MARKER = "visible-control-marker-7f3a"

# A table of the test only, in its own throw-away database: where a feature would keep
# sealed content and its index terms.
samples_metadata = MetaData()
samples = Table(
    "dump_test_samples",
    samples_metadata,
    Column("id", Integer, primary_key=True),
    Column("agency_id", Integer, nullable=False),
    Column("label", String(100), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("terms", Text, nullable=False),
)


@pytest.fixture
def committed_database(fresh_database: FreshDatabase) -> Iterator[tuple[str, Engine]]:
    with fresh_database() as url:
        migrations.upgrade(url)
        engine = make_engine(url)
        samples_metadata.create_all(engine)
        try:
            yield url, engine
        finally:
            engine.dispose()


def add_agency(session: Session) -> int:
    state = MemberState(
        iso_alpha2="KZ", iso_alpha3="KAZ", name_ru="Казахстан", name_en="Kazakhstan",
        timezone="Asia/Almaty",
    )  # fmt: skip
    session.add(state)
    session.flush()
    agency = Agency(
        code="KZ-SVC", kind=AgencyKind.MEMBER_AGENCY.value, member_state_id=state.id,
        name_ru="Служба", name_en="Service",
    )  # fmt: skip
    session.add(agency)
    session.flush()
    return agency.id


def test_a_database_dump_alone_reveals_no_content(
    committed_database: tuple[str, Engine], tmp_path: Path
) -> None:
    url, engine = committed_database
    key_file = tmp_path / "keys" / "vault-master.key"
    vault = Vault(FileKeyProvider(key_file))
    with UnitOfWork(make_session_factory(engine)) as uow:
        agency_id = add_agency(uow.session)
        for number, text in enumerate(SECRETS, start=1):
            uow.session.execute(
                samples.insert().values(
                    id=number,
                    agency_id=agency_id,
                    label=VISIBLE_MARKER,
                    body=vault.seal_text(uow.session, agency_id, text, context=f"s:{number}"),
                    terms=" ".join(sorted(vault.index_terms(uow.session, agency_id, text))),
                )
            )
        uow.commit()

    contents = dump(url, engine)

    assert VISIBLE_MARKER.encode() in contents
    for text in SECRETS:
        assert text.encode("utf-8") not in contents
        for word in text.replace("«", " ").replace("»", " ").split():
            if len(word) >= 5:
                assert word.encode("utf-8") not in contents, word
                assert word.lower().encode("utf-8") not in contents, word

    # With the key file, everything opens again, in a process that starts afresh.
    reader = Vault(FileKeyProvider(key_file))
    fresh_engine = make_engine(url)
    try:
        with UnitOfWork(make_session_factory(fresh_engine)) as uow:
            rows = uow.session.execute(select(samples).order_by(samples.c.id)).all()
            opened = [
                reader.open_text(uow.session, row.agency_id, row.body, context=f"s:{row.id}")
                for row in rows
            ]
            assert tuple(opened) == SECRETS
            # The terms in the dump are found by a search for another form of a word.
            found = reader.query_terms(uow.session, rows[0].agency_id, "границы")
            assert found
            assert found[0] in rows[0].terms
    finally:
        fresh_engine.dispose()
