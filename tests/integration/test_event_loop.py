"""No request holds the event loop: attachments, downloads, exports, the audit file and bulk
uploads of records do their blocking work (database, sealing, fsync, the malware scan,
PDF, reading rows) in the thread pool or a background job.

Each flow runs under asyncio's debug mode, which logs every callback that holds the loop
for more than 100 ms; the test fails listing them. The store under test scans files as it
receives them, with a scan command that sleeps longer than that: the slowest work an
upload can do in its request, after the sealing, fsync and database work of storing it,
so that any of it done on the loop shows.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from interagency.bootstrap import Container, bootstrap
from interagency.config import Settings
from interagency.filestore import CommandScanner, FileStore
from interagency.web.app import create_app
from tests.support.databases import settings_for
from tests.support.event_loop import Browser, chunked, form_token, sign_in, slow_callbacks
from tests.support.identity import Council, api_token

# Longer than the threshold: a scan that ran on the loop would be reported.
SLOW_SCAN = ["sh", "-c", "cat >/dev/null; sleep 0.3"]
FILE_BYTES = 6 * 1024 * 1024


@pytest.fixture
def container(
    settings: Settings, engine: Engine, session_factory: sessionmaker[Session]
) -> Container:
    """The test container, but for a store that scans files as it receives them (a
    deployment's store scans them in a background job instead)."""
    built = bootstrap(settings, engine=engine, session_factory=session_factory)
    scanning = FileStore(
        built.vault,
        settings.attachment_dir,
        max_bytes=settings.attachment_max_bytes,
        allowed_types=frozenset(settings.attachment_types),
        scanner=CommandScanner(SLOW_SCAN),
        scan_on_receive=True,
    )
    return dataclasses.replace(built, file_store=scanning)


def pdf(size: int) -> bytes:
    """A file the sniffer takes for a PDF; random, so that no two are stored as one."""
    header = b"%PDF-1.4\n"
    return header + os.urandom(size - len(header))


def bearer(container: Container, council: Council, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(container, council, login)}"}


async def new_thread(client: httpx2.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    sent = await client.post(
        "/api/v1/exchange/threads",
        json={
            "subject": "Маршрут переправки",
            "body": "Сведения о маршруте прилагаются.",
            "kind": "notification",
            "recipients": [{"agency": "KZ-SVC"}],
            "tlp": "AMBER",
            "handling_code": "H0",
        },
        headers=headers,
    )
    assert sent.status_code == 201, sent.text
    return dict(sent.json())


def test_attachments_downloads_and_exports_never_hold_the_loop(
    app: FastAPI, container: Container, council: Council
) -> None:
    author = bearer(container, council, "ru_liaison")
    reader = bearer(container, council, "kz_liaison")
    through_api, through_page = pdf(FILE_BYTES), pdf(FILE_BYTES)

    async def flow(browser: Browser) -> None:
        async with browser() as client, browser() as auditor:
            await walk(client, auditor)

    async def walk(client: httpx2.AsyncClient, auditor: httpx2.AsyncClient) -> None:
        thread = await new_thread(client, author)
        message = thread["messages"][0]["id"]
        attachments = f"/api/v1/exchange/threads/{thread['id']}/messages/{message}/attachments"

        added = await client.post(
            attachments,
            params={"filename": "схема.pdf"},
            content=chunked(through_api),
            headers={**author, "Content-Length": str(len(through_api))},
        )
        assert added.status_code == 201, added.text
        assert added.json()["sha256"] == hashlib.sha256(through_api).hexdigest()

        await sign_in(client, council, "ru_liaison")
        page = f"/exchange/threads/{thread['id']}"
        posted = await client.post(
            f"{page}/messages/{message}/attachments",
            data={"csrf_token": await form_token(client, page)},
            files={"file": ("маршрут.pdf", through_page, "application/pdf")},
        )
        assert posted.status_code == 303, posted.text
        assert posted.headers["location"] == page

        got = await client.get(f"/api/v1/exchange/attachments/{added.json()['id']}", headers=reader)
        assert got.status_code == 200, got.text
        assert got.content == through_api

        exported = await client.get(
            f"/api/v1/exchange/threads/{thread['id']}/export",
            params={"format": "pdf"},
            headers=reader,
        )
        assert exported.status_code == 200, exported.text
        assert exported.content.startswith(b"%PDF")

        await sign_in(auditor, council, "sec_auditor")
        trail = await auditor.get("/audit/export.csv")
        assert trail.status_code == 200, trail.text
        assert "exchange:attachment:add" in trail.text

    slow = slow_callbacks(app, flow)
    assert not slow, "callbacks held the event loop:\n" + "\n".join(slow)


def people_csv(rows: int) -> bytes:
    head = "surname,given_name,birth_date,subject_category,purpose,legal_basis\n"
    body = "".join(
        f"Aliyev{number},Elnur,01.02.1990,suspect,Security of the games,Agreement art. 5\n"
        for number in range(rows)
    )
    return (head + body).encode()


def test_a_bulk_upload_of_records_never_holds_the_loop(app: FastAPI, council: Council) -> None:
    # Read and checked in its request, this many rows held the loop for over half a second.
    content = people_csv(20_000)

    async def flow(browser: Browser) -> None:
        async with browser() as client:
            await sign_in(client, council, "ru_liaison")
            token = await form_token(client, "/records/upload")
            answer = await client.post(
                "/records/upload",
                data={"csrf_token": token, "kind": "person"},
                files={"file": ("people.csv", content, "text/csv")},
            )
            assert answer.status_code == 303, answer.text
            assert answer.headers["location"].startswith("/records/uploads/")

    slow = slow_callbacks(app, flow)
    assert not slow, "callbacks held the event loop:\n" + "\n".join(slow)


# Every coroutine among the application's endpoints, dependencies and error handlers, and
# why it may run on the event loop. A coroutine does its work on the loop itself: anything
# that blocks there (a query, a file, sealing, a subprocess) stalls every other request.
# Plain functions run in the thread pool. A new coroutine fails below until it is listed.
ON_THE_LOOP: dict[str, str] = {
    "interagency.exchange.api._filters": "builds the inbox filter from the query: no I/O",
    "interagency.exchange.files_routes.upload_api": "awaits the body as it streams in; the "
    "file store's sealing, scan and database work runs in the thread pool",
    "interagency.exchange.files_routes.upload_page": "awaits the form's file as it streams "
    "in; the file store's sealing, scan and database work runs in the thread pool",
    "interagency.records.pages.upload_file": "awaits the uploaded file; storing it and "
    "handing it over run in the thread pool",
    "interagency.movements.manifest_routes.send_manifest": "awaits the manifest as it streams "
    "in; the rights check, the file store's work and the acceptance run in the thread pool",
    "interagency.movements.manifest_routes.send_manifest_page": "the same as `send_manifest`, "
    "for the page's form",
    "interagency.web.auth.current_caller": "reads the principal `authenticate` resolved",
    "interagency.web.auth.current_principal": "reads the principal `authenticate` resolved",
    "interagency.web.csrf.protect": "awaits the form and compares signed tokens",
    "interagency.web.csrf.verify": "awaits the form and compares signed tokens",
    "interagency.web.deps.get_container": "reads the application's state",
    "interagency.web.deps.get_renderer": "reads the application's state",
    "interagency.web.errors.on_domain_error": "audits a refusal in the thread pool, then "
    "renders the error",
    "interagency.web.errors.on_http_error": "renders the error",
    "interagency.web.errors.on_stale_data": "answers as `on_domain_error`",
    "interagency.web.errors.on_validation_error": "renders the error",
}


def _coroutines(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    if dependant.call is not None and _is_coroutine(dependant.call):
        yield dependant.call
    for dependency in dependant.dependencies:
        yield from _coroutines(dependency)


def _is_coroutine(call: Callable[..., Any]) -> bool:
    return inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call)


def _name(call: Callable[..., Any]) -> str:
    return f"{call.__module__}.{call.__qualname__}"


def test_every_coroutine_of_the_application_is_listed_with_its_reason(
    tmp_path: Path,
) -> None:
    container = bootstrap(settings_for(f"sqlite:///{tmp_path / 'unopened.db'}"))
    app = create_app(container)
    calls = [
        call
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        for call in _coroutines(context.dependant)
    ]
    calls += [handler for handler in app.exception_handlers.values() if _is_coroutine(handler)]
    container.engine.dispose()
    found = {_name(call) for call in calls if call.__module__.startswith("interagency.")}
    assert sorted(found - ON_THE_LOOP.keys()) == [], "new coroutines: list them with a reason"
    assert sorted(ON_THE_LOOP.keys() - found) == [], "listed coroutines that are gone"
