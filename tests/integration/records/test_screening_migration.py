"""Migration 0021 makes every stored record a subject and points its hits and screenings
to their subjects, as the application does; `index_all` then writes the keys the
application wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from interagency import migrations
from interagency.db import UnitOfWork
from interagency.records import services
from interagency.records.models import Hit, Record, Screening
from interagency.records.screened import index_all
from interagency.screening.models import Subject, SubjectKey
from tests.integration.records.conftest import RASHAD_LATIN, RASHAD_RU, person
from tests.support.databases import FreshDatabase, own_settings, platform_at
from tests.support.identity import build_council

OLEG = {"surname": "Petrov", "given_name": "Oleg", "birth_date": "1979-07-02"}
_Searching = aliased(Subject)
_Found = aliased(Subject)


def _state(uow: UnitOfWork) -> tuple[set[Any], ...]:
    """What the application wrote, named by record ids rather than subject ids."""
    subjects = set(uow.session.execute(select(Subject.kind, Subject.ref, Subject.matches_as)).all())
    hits = set(
        uow.session.execute(
            select(Hit.reference, _Searching.ref, _Found.ref, Hit.searching_record_id)
            .join(_Searching, _Searching.id == Hit.searching_subject_id)
            .join(_Found, _Found.id == Hit.found_subject_id)
        ).all()
    )
    screenings = set(
        uow.session.execute(
            select(Screening.id, Subject.ref, Screening.record_id).join(
                Subject, Subject.id == Screening.subject_id
            )
        ).all()
    )
    by_term: dict[str, set[int]] = {}
    for ref, term in uow.session.execute(
        select(Subject.ref, SubjectKey.term).join(Subject, Subject.id == SubjectKey.subject_id)
    ):
        by_term.setdefault(term, set()).add(ref)
    # The matching key is made again after going down and up: which subjects share each
    # key is what must be the same, not the hashes themselves.
    keys = {frozenset(refs) for refs in by_term.values()}
    return subjects, hits, screenings, keys


def test_migration_0021_makes_records_subjects_and_index_all_keys_them(
    fresh_database: FreshDatabase, tmp_path: Path
) -> None:
    with fresh_database() as url:
        migrations.upgrade(url)
        settings = own_settings(url, tmp_path)
        with platform_at(settings) as container:
            with container.uow() as uow:
                council = build_council(uow, container)
                uow.commit()
            context = services.Context(vault=container.vault)
            for login, particulars in (
                ("ru_liaison", RASHAD_RU),
                ("kz_liaison", RASHAD_LATIN),
                ("kz_liaison", OLEG),
            ):
                with container.uow() as uow:
                    caller = council.caller(uow, login)
                    services.create(uow, caller, context, person(particulars))
                    uow.commit()
            with container.uow() as uow:
                written = _state(uow)
                records = len(uow.session.scalars(select(Record.id)).all())

        migrations.downgrade(url, "0020")
        migrations.upgrade(url, "0021")
        with platform_at(settings) as container, container.uow() as uow:
            migrated = _state(uow)
        # The later revisions too, since `index_all` is today's (0029 adds the features
        # it writes with the keys).
        migrations.upgrade(url)
        with platform_at(settings) as container:
            with container.uow() as uow:
                indexed = index_all(uow, container.vault)
                uow.commit()
            with container.uow() as uow:
                keyed = _state(uow)
    subjects, hits, screenings, keys = written
    assert len(subjects) == records == indexed == 3
    assert len(hits) == 1
    assert len(screenings) == 3
    assert frozenset({1, 2}) in keys  # the two Rashads share keys
    assert frozenset({3}) in keys
    # The migration: the same subjects, hits and screenings; no keys until indexed.
    assert migrated == (subjects, hits, screenings, set())
    assert keyed == written
