"""Searching the agency's own person records by name: any script, spelling or order;
never another agency's records; erased and changed names follow; each search audited."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container
from interagency.errors import InvalidInput
from interagency.records import name_index, name_search, services
from interagency.records.models import RecordNameTerm
from interagency.records.schemas import RecordUpdate
from interagency.web.app import create_app
from tests.integration.records.conftest import Records, person
from tests.support.identity import Council, sign_in

ABDULLAEV = {"surname": "Абдуллаев", "given_name": "Мухаммад", "patronymic": "Ахмедович"}
BROTHER = {"surname": "Абдуллаев", "given_name": "Юсуф", "patronymic": "Ахмедович"}
STRANGER = {"full_name": "Петросян Тигран Ашотович"}


def _search(records: Records, login: str, name: str) -> list[name_search.NameMatch]:
    with records.container.uow() as uow:
        found = name_search.search(
            uow, records.council.caller(uow, login), records.container.vault, name
        )
        uow.commit()
    return found


def _saved(records: Records, login: str, particulars: dict[str, str]) -> str:
    return records.save(login, person(particulars)).record.public_id


def test_the_same_name_in_another_script_and_order_comes_first(records: Records) -> None:
    mine = _saved(records, "kz_liaison", ABDULLAEV)
    brother = _saved(records, "kz_liaison", BROTHER)
    _saved(records, "kz_liaison", STRANGER)
    found = _search(records, "kz_liaison", "MUHAMMAD ABDULLAEV")
    assert [m.record_id for m in found][:1] == [mine]
    assert found[0].name == "Абдуллаев Мухаммад Ахмедович"
    assert found[0].probability >= 0.8
    # The brother shares a surname and a father: shown, if at all, well below.
    assert all(m.probability < found[0].probability for m in found if m.record_id == brother)
    assert "Петросян" not in {m.name for m in found}


def test_another_agencys_records_are_never_searched(records: Records) -> None:
    _saved(records, "ru_liaison", ABDULLAEV)
    assert _search(records, "kz_liaison", "Muhammad Abdullaev") == []
    assert len(_search(records, "ru_liaison", "Muhammad Abdullaev")) == 1


def test_a_changed_name_is_found_by_its_new_name_and_an_erased_one_not_at_all(
    records: Records,
) -> None:
    saved = records.save("kz_liaison", person(ABDULLAEV))
    record_id = saved.record.id
    with records.container.uow() as uow:
        caller = records.council.caller(uow, "kz_liaison")
        data = person({"full_name": "Karimov Timur"}).model_dump()
        update = RecordUpdate.model_validate({**data, "version": saved.record.version})
        services.update(uow, caller, records.context(), record_id, update)
        uow.commit()
    assert _search(records, "kz_liaison", "Muhammad Abdullaev") == []
    assert [m.name for m in _search(records, "kz_liaison", "Тимур Каримов")] == ["Karimov Timur"]
    with records.container.uow() as uow:
        name_index.forget_name(uow, record_id)  # as erasure does
        uow.commit()
        assert (
            uow.session.scalars(
                select(RecordNameTerm).where(RecordNameTerm.record_id == record_id)
            ).all()
            == []
        )
    assert _search(records, "kz_liaison", "Тимур Каримов") == []


def test_the_index_holds_no_readable_name(records: Records) -> None:
    _saved(records, "kz_liaison", ABDULLAEV)
    with records.container.uow() as uow:
        terms = uow.session.scalars(select(RecordNameTerm.term)).all()
        # Rebuilt from the sealed names, the index is the same.
        assert name_index.index_all(uow, records.container.vault) == 1
        assert sorted(uow.session.scalars(select(RecordNameTerm.term)).all()) == sorted(terms)
        uow.commit()
    assert len(terms) == 3  # surname, given name, father's name
    assert all(len(t) == 32 and int(t, 16) >= 0 for t in terms)
    # Keyed by agency: the same name held by another agency has unrelated terms.
    _saved(records, "ru_liaison", ABDULLAEV)
    with records.container.uow() as uow:
        all_terms = uow.session.scalars(select(RecordNameTerm.term)).all()
    assert len(set(all_terms)) == 6


def test_each_search_is_audited_with_what_it_showed(records: Records) -> None:
    mine = _saved(records, "kz_liaison", ABDULLAEV)
    _search(records, "kz_liaison", "Muhammad Abdullaev")
    with records.container.uow() as uow:
        login, detail = uow.session.execute(
            select(AuditEntry.actor_login, AuditEntry.detail).where(
                AuditEntry.action == "records:record:search"
            )
        ).one()
    assert login == "kz_liaison"
    assert json.loads(detail)["ids"] == [mine]
    assert "Abdullaev" not in str(detail)  # the query is personal data, kept apart


@pytest.mark.parametrize("query", ["", "   ", "A.", "x" * 201])
def test_a_query_with_nothing_to_search_for_says_what_to_enter(
    records: Records, query: str
) -> None:
    with pytest.raises(InvalidInput, match="Search for a name"):
        _search(records, "kz_liaison", query)


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Search by name"), ("ru", "Поиск по имени")]
)
def test_the_page_shows_the_names_found(
    container: Container, council: Council, records: Records, language: str, heading: str
) -> None:
    mine = _saved(records, "kz_liaison", ABDULLAEV)
    client = TestClient(create_app(container))
    assert sign_in(client, council, "kz_liaison").status_code == 303
    page = client.get(
        "/records/search", params={"name": "Abdullaev M."}, headers={"Accept-Language": language}
    )
    assert page.status_code == 200
    assert heading in page.text
    table = page.text.split('id="name-matches"')[1].split("</table>")[0]
    assert f"/records/{mine}" in table
    assert "Абдуллаев Мухаммад Ахмедович" in table
    refused = client.get("/records/search", params={"name": "?"})
    assert 'id="search-error"' in refused.text
    assert client.get("/records/search").status_code == 200


def test_roles_without_records_cannot_search(
    container: Container, council: Council, records: Records
) -> None:
    client = TestClient(create_app(container))
    assert sign_in(client, council, "ru_admin").status_code == 303
    assert client.get("/records/search", params={"name": "Abdullaev"}).status_code == 403
    assert client.get("/records/search").status_code == 403
