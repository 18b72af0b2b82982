"""The application factory: one FastAPI app serving pages, the JSON API and static files."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from interagency import __version__
from interagency.bootstrap import Container
from interagency.identity import routes as identity_routes
from interagency.web import api_docs, errors, pages
from interagency.web.security import RequestContextMiddleware
from interagency.web.templating import Renderer

STATIC_DIR = Path(__file__).parent / "static"

API_DESCRIPTION = """
The JSON API of Interagency. Every operation answers errors as RFC 9457 problem details
(`application/problem+json`). Times are ISO 8601 in UTC.
"""


def create_app(container: Container) -> FastAPI:
    app = FastAPI(
        title="Interagency API",
        version=__version__,
        description=API_DESCRIPTION,
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.container = container
    app.state.renderer = Renderer()
    errors.install(app)
    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in (pages.router, api_docs.router, identity_routes.pages, identity_routes.api):
        app.include_router(router)
    app.add_middleware(
        RequestContextMiddleware, settings=container.settings, error_app=errors.internal_error_app
    )
    return app
