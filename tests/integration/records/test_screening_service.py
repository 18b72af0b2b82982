"""The screening service with a second kind of subject beside records: accreditation
applicants, a stand-in that only these tests register. They are screened against
records through the registry under the same rules: the safeguards, a name alone never a
hit, each side's view of the hit, the daily limit, and deletion when their retention
ends without a hit. Candidates are found without opening anything else, and a dump of
the service's tables holds no name."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from interagency.db import UnitOfWork, utcnow
from interagency.identity.models import Agency
from interagency.records import hits
from interagency.records.models import Hit, Neutrality, Record, SubjectCategory
from interagency.records.particulars import Particulars, PersonParticulars
from interagency.records.policy import Safeguards
from interagency.records.screened import index_all
from interagency.screening import registry, subjects
from interagency.screening import service as screening
from interagency.screening.memo import MEMO_SECONDS, Memo
from interagency.screening.models import Subject, SubjectKey
from interagency.vault import Vault
from interagency.vault.models import CouncilKey

from .conftest import RASHAD_LATIN, RASHAD_RU, Records, person

KIND = "test-applicant"
RETENTION = timedelta(days=30)


def public_id(ref: int) -> str:
    """A public id as the platform writes them (26 characters of base32)."""
    return "applicant" + "".join("abcdefghijklmnopq"[int(d)] for d in f"{ref:017d}")


@dataclass
class Applicant:
    owner_agency_id: int
    owner_state_id: int | None
    particulars: PersonParticulars
    officer_id: int
    refuge_from_state_id: int | None = None


@dataclass
class Applicants:
    """The stand-in feature's own rows, kept in memory: the service reaches them only
    through the `registry.Holder` methods."""

    rows: dict[int, Applicant] = field(default_factory=dict)
    forgotten: list[int] = field(default_factory=list)
    opened: list[int] = field(default_factory=list)

    def safeguards(
        self, uow: UnitOfWork, refs: Sequence[int], *, fresh: bool = False
    ) -> Mapping[int, Safeguards]:
        return {
            ref: Safeguards(
                owner_agency_id=a.owner_agency_id,
                owner_state_id=a.owner_state_id,
                category=SubjectCategory.CONTACT,
                offence=None,
                flagged=False,
                neutrality=Neutrality.NOT_REQUIRED,
                necessity_approved=False,
                review_due=utcnow().date() + timedelta(days=30),
                erased=False,
                hits_to_all=True,
                hit_agency_ids=frozenset(),
                refuge_from_state_id=a.refuge_from_state_id,
            )
            for ref in refs
            if (a := self.rows.get(ref)) is not None
        }

    def particulars(
        self, uow: UnitOfWork, vault: Vault, refs: Sequence[int]
    ) -> Mapping[int, Particulars]:
        self.opened.extend(refs)
        return {ref: self.rows[ref].particulars for ref in refs if ref in self.rows}

    def references(self, uow: UnitOfWork, refs: Sequence[int]) -> Mapping[int, str]:
        return {ref: public_id(ref) for ref in refs if ref in self.rows}

    def told(self, uow: UnitOfWork, refs: Sequence[int]) -> Mapping[int, frozenset[int]]:
        return {ref: frozenset({self.rows[ref].officer_id}) for ref in refs if ref in self.rows}

    def forget(self, uow: UnitOfWork, refs: Sequence[int]) -> None:
        for ref in refs:
            self.rows.pop(ref)
            self.forgotten.append(ref)


@pytest.fixture
def applicants() -> Iterator[Applicants]:
    held = Applicants()
    registry.register(
        registry.SubjectKind(
            name=KIND,
            purpose="Accreditation of the staff of a major event",
            screened_against=frozenset({"record"}),
            holder=held,
            retention=RETENTION,
        )
    )
    yield held
    registry.unregister(KIND)


def _state_of(uow: UnitOfWork, agency_id: int) -> int | None:
    return uow.session.scalar(select(Agency.member_state_id).where(Agency.id == agency_id))


def _screen_applicant(
    records: Records,
    applicants: Applicants,
    ref: int,
    particulars: dict[str, str],
    *,
    login: str = "kz_liaison",
    refuge_from: str | None = None,
    memo: Memo | None = None,
) -> screening.Outcome:
    council = records.council
    with records.container.uow() as uow:
        caller = council.caller(uow, login)
        assert caller.principal is not None
        agency_id = caller.principal.agency_id
        fled = council.agencies[refuge_from] if refuge_from else None
        applicants.rows[ref] = Applicant(
            owner_agency_id=agency_id,
            owner_state_id=_state_of(uow, agency_id),
            particulars=PersonParticulars.model_validate(particulars),
            officer_id=council.users[login],
            refuge_from_state_id=_state_of(uow, fled) if fled else None,
        )
        entry = subjects.Entry(ref, agency_id, "person", applicants.rows[ref].particulars)
        kind = registry.kind_of(KIND)
        subject = subjects.enrol(uow, records.container.vault, kind, [entry])[ref]
        query = applicants.rows[ref].particulars
        vault = records.container.vault
        outcome = screening.screen_many(uow, caller, vault, [(subject, query)], memo)[0]
        uow.commit()
    return outcome


def test_an_applicant_is_screened_against_records_and_each_side_sees_its_part(
    records: Records, applicants: Applicants
) -> None:
    saved = records.save("ru_liaison", person(RASHAD_RU))
    outcome = _screen_applicant(records, applicants, 7, RASHAD_LATIN)
    assert len(outcome.hits) == 1
    reference = outcome.hits[0].reference
    with records.container.uow() as uow:
        hit = uow.session.scalar(select(Hit).where(Hit.reference == reference))
        assert hit is not None
        searching = uow.session.get(Subject, hit.searching_subject_id)
        assert searching is not None
        assert (searching.kind, searching.ref) == (KIND, 7)
        assert hit.searching_record_id is None
        assert hit.found_record_id == saved.record.id
        searcher = hits.view(uow, records.council.caller(uow, "kz_liaison"), reference)
        holder = hits.view(uow, records.council.caller(uow, "ru_liaison"), reference)
        uow.commit()
    # The searching side: reference, owner and band, its own applicant; never the score.
    assert (searcher.side, searcher.record_id, searcher.owner_agency) == (
        "searcher", public_id(7), "RU-SVC",
    )  # fmt: skip
    assert searcher.band in ("strong", "possible")
    assert searcher.score is None
    assert searcher.explanation is None
    # The holder of the record: its own record, the score and the explanation.
    assert holder.side == "owner"
    assert holder.record_id == saved.record.public_id
    assert holder.score is not None
    assert holder.score >= 0.8
    assert holder.explanation
    # Both sides are told by reference: the applicant's officer and the record's author.
    assert ("records:hit", {"reference": reference, "band": searcher.band}) in records.notices(
        "kz_liaison"
    )
    assert ("records:hit-on-yours", {"reference": reference}) in records.notices("ru_liaison")
    assert ("screening:screen", "ok", "kz_liaison") in records.audit("screening:screen")


def test_a_name_alone_is_no_hit_for_an_applicant_either(
    records: Records, applicants: Applicants
) -> None:
    records.save("ru_liaison", person(RASHAD_RU))
    namesake = {"surname": "Huseynov", "given_name": "Rashad"}
    outcome = _screen_applicant(records, applicants, 8, namesake)
    assert outcome.screened
    assert outcome.hits == ()
    # It was compared (the safeguards let it meet the record): the engine said no.
    assert outcome.compared == 1


def test_a_refugee_applicant_never_meets_the_state_it_fled(
    records: Records, applicants: Applicants
) -> None:
    records.save("ru_liaison", person(RASHAD_RU))
    outcome = _screen_applicant(records, applicants, 9, RASHAD_LATIN, refuge_from="RU-SVC")
    assert outcome.screened
    assert (outcome.hits, outcome.compared) == ((), 0)
    # The same person without refuge: a hit, so it was the safeguard that stopped it.
    assert len(_screen_applicant(records, applicants, 10, RASHAD_LATIN).hits) == 1


def test_a_refugees_record_is_never_found_by_the_state_it_fled(
    records: Records, applicants: Applicants
) -> None:
    with records.container.uow() as uow:
        kz_state = _state_of(uow, records.council.agencies["KZ-SVC"])
    saved = records.save("ru_liaison", person(RASHAD_RU))
    with records.container.uow() as uow:
        uow.session.execute(
            update(Record).where(Record.id == saved.record.id).values(refuge_from_state_id=kz_state)
        )
        uow.commit()
    outcome = _screen_applicant(records, applicants, 11, RASHAD_LATIN)
    assert (outcome.hits, outcome.compared) == ((), 0)


def test_an_applicant_is_screened_three_times_a_day_at_most(
    records: Records, applicants: Applicants
) -> None:
    records.save("ru_liaison", person(RASHAD_RU))
    outcomes = [
        _screen_applicant(records, applicants, 12, RASHAD_LATIN)
        for _ in range(screening.SCREENINGS_PER_DAY + 1)
    ]
    assert [o.screened for o in outcomes] == [True] * screening.SCREENINGS_PER_DAY + [False]
    assert outcomes[-1].deferred
    # The hit found again is the same hit, not a new one each time.
    assert len({o.hits[0].reference for o in outcomes[:-1]}) == 1
    assert "records:probing-edits" in {kind for kind, _ in records.notices("kz_dpo")}


def test_only_the_candidates_are_opened(
    records: Records, applicants: Applicants, monkeypatch: pytest.MonkeyPatch
) -> None:
    strangers = [
        {"surname": f"Stranger{n}", "given_name": "Ivan", "birth_date": f"19{60 + n}-01-02"}
        for n in range(6)
    ]
    for particulars in strangers:
        records.save("ru_liaison", person(particulars))
    saved = records.save("ru_liaison", person(RASHAD_RU))
    vault = records.container.vault
    contexts: list[str] = []
    open_text = vault.open_text

    def counted(session: Any, agency_id: int, sealed: bytes, *, context: str) -> str:
        contexts.append(context)
        return open_text(session, agency_id, sealed, context=context)

    monkeypatch.setattr(vault, "open_text", counted)
    outcome = _screen_applicant(records, applicants, 13, RASHAD_LATIN)
    assert len(outcome.hits) == 1
    # Seven records are held; the one that shares a candidate key is the only one opened,
    # and only what it is compared by: its features, sealed with its keys.
    assert contexts == [f"screening:record:{saved.record.id}:features"]


def test_a_batch_records_no_hit_on_what_its_memo_remembers(
    records: Records, applicants: Applicants
) -> None:
    saved = records.save("ru_liaison", person(RASHAD_RU))
    now = [1000.0]
    memo = Memo(clock=lambda: now[0])
    first = _screen_applicant(records, applicants, 20, RASHAD_LATIN, memo=memo)
    assert len(first.hits) == 1
    assert first.compared == 1
    # The record's holder now lets no other agency hit it. The memo still holds its
    # safeguards and features, and chooses the pair; judged on what stands now, it is no
    # hit.
    with records.container.uow() as uow:
        uow.session.execute(
            update(Record).where(Record.id == saved.record.id).values(hits_to_all=False)
        )
        uow.commit()
    second = _screen_applicant(records, applicants, 21, RASHAD_LATIN, memo=memo)
    assert second.hits == ()
    assert second.screened
    # Once the memo's time has passed, the record is not even met.
    now[0] += MEMO_SECONDS
    third = _screen_applicant(records, applicants, 22, RASHAD_LATIN, memo=memo)
    assert third.hits == ()
    assert third.compared == 0
    with records.container.uow() as uow:
        found = uow.session.scalars(select(Hit.found_record_id)).all()
    assert found == [saved.record.id]


def test_a_subject_enrolled_before_its_features_were_kept_is_compared_by_its_particulars(
    records: Records, applicants: Applicants
) -> None:
    saved = records.save("ru_liaison", person(RASHAD_RU))
    with records.container.uow() as uow:
        uow.session.execute(update(Subject).values(features_sealed=None))
        uow.commit()
    assert len(_screen_applicant(records, applicants, 15, RASHAD_LATIN).hits) == 1
    # Keyed again (`interagency records index-screening`), it keeps its features once more.
    with records.container.uow() as uow:
        assert index_all(uow, records.container.vault) == 1
        uow.commit()
    with records.container.uow() as uow:
        kept = uow.session.scalar(
            select(Subject.features_sealed).where(
                Subject.kind == "record", Subject.ref == saved.record.id
            )
        )
    assert kept is not None
    assert b"Rashad" not in kept


def test_subjects_that_hit_nothing_are_deleted_when_their_retention_ends(
    records: Records, applicants: Applicants
) -> None:
    records.save("ru_liaison", person(RASHAD_RU))
    _screen_applicant(records, applicants, 14, RASHAD_LATIN)  # a hit: kept
    _screen_applicant(records, applicants, 15, {"surname": "Other", "birth_date": "1990"})
    _screen_applicant(records, applicants, 16, {"surname": "Recent", "birth_date": "1991"})
    with records.container.uow() as uow:
        long_ago = utcnow() - RETENTION - timedelta(days=1)
        uow.session.execute(
            update(Subject)
            .where(Subject.kind == KIND, Subject.ref.in_([14, 15]))
            .values(screened_at=long_ago)
        )
        caller = records.council.caller(uow, "ru_dpo")
        deleted = screening.sweep_retention(uow, caller)
        uow.commit()
    assert deleted == {KIND: 1}
    assert applicants.forgotten == [15]
    with records.container.uow() as uow:
        left = set(uow.session.scalars(select(Subject.ref).where(Subject.kind == KIND)))
        orphans = uow.session.scalars(
            select(SubjectKey.subject_id).where(SubjectKey.subject_id.not_in(select(Subject.id)))
        ).all()
    assert left == {14, 16}
    assert orphans == []


def test_a_dump_of_the_service_tables_names_nobody(
    records: Records, applicants: Applicants
) -> None:
    records.save("ru_liaison", person(RASHAD_RU))
    _screen_applicant(records, applicants, 17, RASHAD_LATIN)
    with records.container.uow() as uow:
        dumped = [
            *uow.session.execute(select(Subject.__table__)).all(),
            *uow.session.execute(select(SubjectKey.__table__)).all(),
            *uow.session.execute(select(CouncilKey.__table__)).all(),
        ]
        terms = set(uow.session.scalars(select(SubjectKey.term)))
    text = json.dumps([[str(v) for v in row] for row in dumped], ensure_ascii=False).lower()
    for word in ("huseynov", "гусейнов", "rashad", "рашад", "1985", "husey"):
        assert word not in text
    # The terms are keyed: the same key texts hashed without the council's key, as an
    # attacker holding the dump alone could, give none of them.
    from interagency.screening import keys

    texts = keys.stored_texts("person", PersonParticulars.model_validate(RASHAD_RU))
    unkeyed = {hashlib.sha256(f"match:{t}".encode()).hexdigest()[:32] for t in texts}
    assert texts
    assert terms
    assert not unkeyed & terms
    with records.container.uow() as uow:
        keyed = records.container.vault.matching_terms(uow.session, texts)
    assert keyed <= terms
