"""The identity pages' forms refused for what was typed: each comes back on its own page
with what was typed kept, the error beside its field in the page's language, and nothing
saved."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select

from interagency.bootstrap import Container
from interagency.identity.models import (
    Agency,
    ApiToken,
    ApprovalRequest,
    BreakGlassAccess,
    User,
)
from interagency.identity.schemas import AccountIn
from tests.support.forms import hidden_fields, submit
from tests.support.identity import Council, sign_in
from tests.support.ids import public_of


def signed_in_as(client: TestClient, council: Council, login: str) -> TestClient:
    assert sign_in(client, council, login).status_code == 303
    return client


def count(container: Container, model: type[object]) -> int:
    with container.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_refused_account_request_keeps_its_fields_and_says_beside_each_what_to_fix(
    client: TestClient, council: Council, container: Container
) -> None:
    admin = signed_in_as(client, council, "ru_admin")
    before = count(container, ApprovalRequest)
    answer = submit(
        admin,
        "/admin/users",
        "/admin/users",
        {
            "login": "X!",
            "full_name": "Пётр Новиков",
            "agency": "RU-SVC",
            "personnel_number": "RU-5512",
            "desks": ["CT"],
            "roles": ["analyst"],
            "reason": "коротко",
        },
        "ru",
    )
    assert answer.status_code == 422
    page = answer.text
    assert 'action="/admin/users"' in page
    assert 'id="e-login">Значение не в том виде, который требует поле.' in page
    assert 'id="e-reason">Слишком коротко: не менее 10 символов.</p>' in page
    assert 'aria-invalid="true" aria-describedby="e-reason"' in page
    assert 'value="Пётр Новиков"' in page
    assert 'value="RU-5512"' in page
    # The reason is kept in the new account's form only, not in every account's forms.
    assert page.count('value="коротко"') == 1
    assert re.search(r'value="analyst"\s+checked', page)
    assert count(container, ApprovalRequest) == before
    with container.uow() as uow:
        assert uow.session.scalar(select(User).where(User.full_name == "Пётр Новиков")) is None


def test_a_refused_change_of_one_account_is_marked_in_that_accounts_form_only(
    client: TestClient, council: Council, container: Container
) -> None:
    admin = signed_in_as(client, council, "ru_admin")
    answer = submit(
        admin,
        "/admin/users",
        "/admin/users/ru_liaison/roles",
        {"role": "analyst", "reason": "Нужно"},
        "ru",
    )
    assert answer.status_code == 422
    page = answer.text
    assert page.count('id="e-reason">Обоснуйте запрос: не менее 10 символов.</p>') == 1
    assert page.count('value="Нужно"') == 1
    row = re.search(r'data-testid="user-ru_liaison".*?</tr>', page, re.S)
    assert row is not None
    assert "<details open>" in row.group(0)
    assert 'value="Нужно"' in row.group(0)
    # The other accounts' forms stay closed and empty.
    assert page.count("<details open>") == 1
    assert count(container, ApprovalRequest) == 0


def test_a_refused_agency_keeps_its_names_and_desks(
    client: TestClient, council: Council, container: Container
) -> None:
    secretariat = signed_in_as(client, council, "sec_admin")
    desks = "CT | Контртерроризм | Counter-terrorism\nbroken line"
    fields = {
        "code": "UZ-SGB",
        "kind": "member_agency",
        "member_state": "UZ",
        "name_ru": "Служба государственной безопасности",
        "name_en": "State Security Service",
        "desks": desks,
    }
    answer = submit(secretariat, "/admin/agencies", "/admin/agencies", fields)
    assert answer.status_code == 422
    assert 'id="e-desks">Write each desk on its own line as CODE | name in Russian' in answer.text
    assert f">{desks}</textarea>" in answer.text
    assert 'value="Служба государственной безопасности"' in answer.text

    unknown = submit(
        secretariat,
        "/admin/agencies",
        "/admin/agencies",
        {**fields, "member_state": "ZZ", "desks": ""},
        "ru",
    )
    assert unknown.status_code == 422
    assert 'id="e-member_state">Государства-участника с кодом ZZ нет.</p>' in unknown.text
    assert 'value="ZZ"' in unknown.text
    with container.uow() as uow:
        assert uow.session.scalar(select(Agency).where(Agency.code == "UZ-SGB")) is None


def test_a_refused_password_change_says_which_field_and_never_shows_a_password(
    client: TestClient, council: Council, container: Container
) -> None:
    officer = signed_in_as(client, council, "ru_liaison")
    with container.uow() as uow:
        before = uow.session.get(User, council.users["ru_liaison"])
        assert before is not None
        old_hash = before.password_hash
    answer = submit(
        officer,
        "/account/password",
        "/account/password",
        {
            "current": "the current one, wrong or right",
            "new": "a long new passphrase one",
            "repeated": "a long new passphrase two",
        },
        "ru",
    )
    assert answer.status_code == 422
    expected = 'id="e-repeated">Новые пароли не совпадают: введите один и тот же пароль дважды.'
    assert expected in answer.text
    assert "passphrase" not in answer.text
    assert "wrong or right" not in answer.text
    with container.uow() as uow:
        after = uow.session.get(User, council.users["ru_liaison"])
        assert after is not None
        assert after.password_hash == old_hash


def test_a_refused_token_keeps_its_name_and_says_the_days_are_too_many(
    client: TestClient, council: Council, container: Container
) -> None:
    officer = signed_in_as(client, council, "ru_liaison")
    answer = submit(
        officer, "/account", "/account/tokens", {"name": "Сверка журналов", "days": "999"}, "ru"
    )
    assert answer.status_code == 422
    assert 'id="e-days">Должно быть не больше 365.</p>' in answer.text
    assert 'value="Сверка журналов"' in answer.text
    assert 'value="999"' in answer.text
    assert count(container, ApiToken) == 0


def test_a_refused_break_glass_keeps_the_reason_on_the_locked_profile(
    client: TestClient, council: Council, container: Container
) -> None:
    supervisor = signed_in_as(client, council, "ru_supervisor")
    target = public_of(container, User, council.users["kz_liaison"])
    russian = {"Accept-Language": "ru"}
    locked = supervisor.get(f"/users/{target}", headers=russian)
    assert locked.status_code == 403  # the way through break-glass, not the profile
    hidden = hidden_fields(locked.text, f"/users/{target}/break-glass")
    fields = {**hidden, "reason": "Срочно нужно", "minutes": "30"}
    answer = supervisor.post(f"/users/{target}/break-glass", data=fields, headers=russian)
    assert answer.status_code == 422
    assert f'action="/users/{target}/break-glass"' in answer.text
    assert 'id="e-reason">Изложите причину не менее чем в 20 символах' in answer.text
    assert ">Срочно нужно</textarea>" in answer.text
    assert 'value="30"' in answer.text
    assert count(container, BreakGlassAccess) == 0


def test_a_person_left_without_a_personnel_number_is_refused_by_that_field() -> None:
    # Not sent at all (the API), as well as sent empty (the form): the rule still holds.
    person = {"login": "abc", "full_name": "A", "agency": "RU-SVC", "desks": ["CT"]}
    with pytest.raises(ValidationError) as refused:
        AccountIn.model_validate({**person, "roles": ["analyst"]})
    assert [error["loc"] for error in refused.value.errors()] == [("personnel_number",)]
    service = AccountIn.model_validate({**person, "roles": ["analyst"], "service": True})
    assert service.personnel_number is None
