"""The application factory: one FastAPI app serving pages, the JSON API and static files."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from starlette.staticfiles import StaticFiles

from interagency import __version__
from interagency.audit import attach_signer, sign_head
from interagency.bootstrap import Container, bootstrap
from interagency.config import Settings
from interagency.council import (
    documents_routes,
    meetings_routes,
    programmes_routes,
    reports_routes,
)
from interagency.egress import routes as egress_routes
from interagency.events import accreditation_pages as events_accreditation
from interagency.events import api as events_api
from interagency.events import export_routes as events_exports
from interagency.events import lesson_pages as events_lessons
from interagency.events import pages as events_pages
from interagency.exchange import api as exchange_api
from interagency.exchange import files_routes as exchange_files
from interagency.exchange import pages as exchange_pages
from interagency.exchange import web_context as exchange_web_context
from interagency.identity import account_routes, admin_routes, audit_routes, login_routes
from interagency.identity import routes as identity_routes
from interagency.jobs import routes as jobs_routes
from interagency.movements import api as movements_api
from interagency.movements import manifest_routes
from interagency.movements import pages as movements_pages
from interagency.records import api as records_api
from interagency.records import pages as records_pages
from interagency.web import api_docs, auth, csrf, errors, pages
from interagency.web.admission import AdmissionMiddleware
from interagency.web.bodylimit import BodyLimitMiddleware
from interagency.web.security import RequestContextMiddleware
from interagency.web.templating import Renderer

STATIC_DIR = Path(__file__).parent / "static"


def swagger_ui_assets() -> Path:
    """Swagger UI 5 as shipped by a PyPI package: no CDN, so the CSP can stay strict."""
    spec = importlib.util.find_spec("fastapi_swagger")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the fastapi-swagger package is missing: reinstall the project")
    return Path(spec.submodule_search_locations[0]) / "resources"


# Every page and API router, in one place (tests walk it to check that all are guarded).
ROUTERS = (
    pages.router,
    api_docs.router,
    login_routes.router,
    account_routes.router,
    admin_routes.router,
    admin_routes.api,
    audit_routes.router,
    identity_routes.pages,
    identity_routes.api,
    exchange_api.api,
    exchange_files.pages,
    exchange_files.api,
    exchange_pages.router,
    meetings_routes.pages,
    meetings_routes.api,
    documents_routes.pages,
    documents_routes.api,
    programmes_routes.pages,
    programmes_routes.api,
    reports_routes.pages,
    reports_routes.api,
    records_api.api,
    records_pages.router,
    movements_api.api,
    manifest_routes.api,
    manifest_routes.pages,
    movements_pages.router,
    events_api.api,
    events_pages.router,
    events_exports.router,
    events_lessons.router,
    events_accreditation.router,
    egress_routes.pages,
    egress_routes.api,
    jobs_routes.router,
)

# The counts the page shell shows beside the navigation, each registered by its feature.
SHELL_COUNTS: dict[str, auth.ShellCount] = {**exchange_web_context.SHELL_COUNTS}


API_DESCRIPTION = """
The JSON API of Interagency. Every operation answers errors as RFC 9457 problem details
(`application/problem+json`). Times are ISO 8601 in UTC.

Objects are named by **public ids**: 26 random characters, `a-z` and `2-7` (threads,
messages, attachments, dissemination requests, records, uploads, access requests,
meetings, decisions, tasks, documents, programmes, measures, indicators, reports, account
change requests, break-glass accesses, users, tokens, third parties, consents, export
subscriptions). They say nothing of when an object was made or how many there are, and
they are the only ids the API takes or gives; hits keep their random references
(`HIT-…`), agencies and desks their codes. Since 2026-12-06 they replace the integer ids
of earlier releases; links stored before are rewritten.

An object the caller may not see is answered exactly as one that does not exist: `404`
with the same problem details.
"""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Signs the audit chain's head every `audit_sign_every` entries while serving, and
    once more at shutdown. Periodic work (the minute's signature, e-mail) is the
    worker's (`interagency worker`): nothing long runs in a server process."""
    container = app.state.container
    attach_signer(container)
    yield
    await asyncio.to_thread(sign_head, container)


def create_app(container: Container) -> FastAPI:
    app = FastAPI(
        lifespan=lifespan,
        # Deny by default: every route needs a signed-in user unless its path is public,
        # and every state-changing form must carry its CSRF token.
        dependencies=[Depends(auth.authenticate), Depends(csrf.protect)],
        title="Interagency API",
        version=__version__,
        description=API_DESCRIPTION,
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.container = container
    app.state.renderer = Renderer()
    app.state.api_limiters = auth.ApiLimiters.for_settings(container.settings)
    app.state.shell_counts = SHELL_COUNTS
    errors.install(app)
    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_assets()))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router)
    # Inside the request context, so that a busy answer is in the caller's language.
    app.add_middleware(
        AdmissionMiddleware, limit=container.settings.web_max_in_flight, busy_app=errors.busy_app
    )
    # An oversized body is refused before anything reads it (the request context reads
    # only headers), and inside that context, so that the page refusing it is in the
    # reader's language.
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=container.settings.attachment_max_bytes,
        page_app=errors.too_large_app,
        larger=dict.fromkeys(manifest_routes.UPLOAD_PATHS, container.settings.manifest_max_bytes),
    )
    app.add_middleware(
        RequestContextMiddleware, settings=container.settings, error_app=errors.internal_error_app
    )
    return app


def app_from_environment() -> FastAPI:
    """The application of one of several server processes (`interagency serve --workers`),
    built from the environment's settings as every other process builds its own."""
    return create_app(bootstrap(Settings()))
