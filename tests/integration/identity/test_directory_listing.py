"""Listing people in the directory: only their own agency's administrators and supervisors
do it (at once, audited); the directory then offers them to other agencies, until their
account is disabled. Service accounts are never listed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from interagency import migrations
from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container, bootstrap
from interagency.exchange.models import Recipient
from interagency.exchange.schemas import RecipientIn, ThreadIn
from interagency.exchange.services import Context, send
from interagency.identity import accounts
from interagency.identity.models import AccountKind, User
from tests.support.databases import FreshDatabase, own_settings
from tests.support.identity import Council, api_token, build_council, sign_in, submit

TARGET = "ru_analyst"


def listing(client: TestClient, token: str, login: str, listed: bool) -> tuple[int, Any]:
    answer = client.put(
        f"/api/v1/users/{login}/directory-listing",
        json={"listed": listed},
        headers={"Authorization": f"Bearer {token}"},
    )
    return answer.status_code, answer.json()


def listed_in_directory(container: Container, council: Council, login: str) -> bool:
    with container.uow() as uow:
        user = uow.session.get(User, council.users[login])
        assert user is not None
        return user.listed_in_directory


def offered(client: TestClient, token: str, agency: str) -> list[dict[str, str]]:
    agencies = client.get("/api/v1/agencies", headers={"Authorization": f"Bearer {token}"})
    return next(a["users"] for a in agencies.json() if a["code"] == agency)


def test_only_the_own_agencys_administrators_and_supervisors_list_a_person(
    client: TestClient, container: Container, council: Council
) -> None:
    token = {login: api_token(container, council, login) for login in (
        "ru_admin", "ru_supervisor", "sec_admin", "kz_admin", "ru_liaison",
    )}  # fmt: skip

    status, body = listing(client, token["ru_admin"], TARGET, True)
    assert status == 200, body
    assert body["listed_in_directory"] is True
    assert offered(client, token["kz_admin"], "RU-SVC") == [
        {"login": TARGET, "full_name": f"Test {TARGET}"}
    ]
    status, body = listing(client, token["ru_supervisor"], TARGET, False)
    assert (status, body["listed_in_directory"]) == (200, False)

    # The secretariat proposes account changes for member agencies, but a name is the
    # agency's own to expose; a liaison officer administers nobody.
    assert listing(client, token["sec_admin"], TARGET, True)[0] == 403
    assert listing(client, token["ru_liaison"], TARGET, True)[0] == 403
    # Another agency's account is answered as a login nobody has.
    foreign = listing(client, token["kz_admin"], TARGET, True)
    nobody = listing(client, token["kz_admin"], "nobody_at_all", True)
    assert foreign[0] == nobody[0] == 404
    assert foreign[1]["detail"] == nobody[1]["detail"].replace("nobody_at_all", TARGET)
    assert not listed_in_directory(container, council, TARGET)

    with container.uow() as uow:
        done = uow.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "identity:user:directory-listing")
            .order_by(AuditEntry.seq)
        ).all()
        refused = uow.session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "users:directory:list", AuditEntry.outcome == "denied"
            )
        ).all()
        assert [(e.actor_login, json.loads(e.detail)["listed"], e.outcome) for e in done] == [
            ("ru_admin", True, "ok"),
            ("ru_supervisor", False, "ok"),
        ]
        assert {e.object_ref for e in done} == {str(council.users[TARGET])}
        # (A login nobody has is no refusal: there is nothing to refuse.)
        assert sorted(str(e.actor_login) for e in refused) == [
            "kz_admin",
            "ru_liaison",
            "sec_admin",
        ]


def test_a_disabled_person_keeps_the_listing_but_is_not_offered(
    client: TestClient, container: Container, council: Council
) -> None:
    with container.uow() as uow:
        accounts.set_listing(uow, council.caller(uow, "ru_admin"), TARGET, listed=True)
        uow.commit()
    reader = api_token(container, council, "kz_liaison")
    assert [u["login"] for u in offered(client, reader, "RU-SVC")] == [TARGET]
    with container.uow() as uow:
        accounts.disable(uow, council.caller(uow, "ru_admin"), TARGET, "Left the service")
        uow.commit()
    assert offered(client, reader, "RU-SVC") == []
    assert listed_in_directory(container, council, TARGET)


def test_a_service_account_is_never_listed(
    client: TestClient, container: Container, council: Council
) -> None:
    with container.uow() as uow:
        service = User(
            login="ru_border_system", full_name="Border system", kind=AccountKind.SERVICE.value,
            agency_id=council.agencies["RU-SVC"],
        )  # fmt: skip
        uow.session.add(service)
        uow.commit()
        council.users[service.login] = service.id
    status, body = listing(client, api_token(container, council, "ru_admin"), service.login, True)
    assert status == 422
    assert body["detail"] == "A service account is never listed in the directory."
    with container.uow() as uow:  # nor by any other way: the database refuses it too
        row = uow.session.get(User, council.users[service.login])
        assert row is not None
        row.listed_in_directory = True
        with pytest.raises(IntegrityError):
            uow.session.flush()


def test_the_users_page_lists_and_unlists_the_agencys_own_people_only(
    app: FastAPI, client: TestClient, council: Council, container: Container
) -> None:
    form = f"/admin/users/{TARGET}/directory"
    assert sign_in(client, council, "ru_admin").status_code == 303
    assert f'action="{form}"' in client.get("/admin/users").text
    done = submit(client, "/admin/users", form, listed="true")
    assert done.status_code == 303
    assert listed_in_directory(container, council, TARGET)
    assert "Take off the directory" in client.get("/admin/users").text
    assert submit(client, "/admin/users", form, listed="false").status_code == 303
    assert not listed_in_directory(container, council, TARGET)

    with TestClient(app, raise_server_exceptions=False) as secretariat:
        assert sign_in(secretariat, council, "sec_admin").status_code == 303
        page = secretariat.get("/admin/users").text
        assert f'data-testid="user-{TARGET}"' in page  # sees the account, offers no listing
        assert f'action="{form}"' not in page
        assert submit(secretariat, "/admin/users", form, listed="true").status_code == 403
    assert not listed_in_directory(container, council, TARGET)


def test_migration_0013_lists_the_people_already_named_on_a_thread(
    fresh_database: FreshDatabase, tmp_path: Path
) -> None:
    """Before 0013 any active login could be named: those already named stay reachable."""
    with fresh_database() as url:
        migrations.upgrade(url)
        settings = own_settings(url, tmp_path)
        container = bootstrap(settings)
        try:
            with container.uow() as uow:
                council = build_council(uow, container)
                kz = uow.session.get(User, council.users["kz_liaison"])
                assert kz is not None
                kz.listed_in_directory = True
                uow.commit()
            context = Context(container.vault, "Asia/Almaty", "https://interagency.test")
            data = ThreadIn(
                subject="Запрос", body="Текст запроса", kind="notification",
                recipients=[RecipientIn(agency="KZ-SVC", user="kz_liaison")],
            )  # fmt: skip
            with container.uow() as uow:
                thread = send(uow, council.caller(uow, "ru_liaison"), context, data)
                # A service account named on a thread (as the old rules let anyone name it).
                service = User(
                    login="kz_border_system", full_name="Border system",
                    kind=AccountKind.SERVICE.value, agency_id=council.agencies["KZ-SVC"],
                )  # fmt: skip
                uow.session.add(service)
                uow.session.flush()
                uow.session.add(
                    Recipient(thread_id=thread.id, agency_id=service.agency_id, user_id=service.id)
                )
                uow.commit()
                council.users[service.login] = service.id
        finally:
            container.engine.dispose()

        migrations.downgrade(url, "0012")
        migrations.upgrade(url, "0013")
        container = bootstrap(settings)
        try:
            listed = {
                login: listed_in_directory(container, council, login)
                for login in ("kz_liaison", "kz_dpo", "kz_border_system")
            }
        finally:
            container.engine.dispose()
    assert listed == {"kz_liaison": True, "kz_dpo": False, "kz_border_system": False}
