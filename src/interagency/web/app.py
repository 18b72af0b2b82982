"""The application factory: one FastAPI app serving pages, the JSON API and static files."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from interagency import __version__
from interagency.bootstrap import Container
from interagency.identity import routes as identity_routes
from interagency.web import api_docs, errors, pages
from interagency.web.security import RequestContextMiddleware
from interagency.web.templating import Renderer

STATIC_DIR = Path(__file__).parent / "static"


def swagger_ui_assets() -> Path:
    """Swagger UI 5 as shipped by a PyPI package: no CDN, so the CSP can stay strict."""
    spec = importlib.util.find_spec("fastapi_swagger")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the fastapi-swagger package is missing: reinstall the project")
    return Path(spec.submodule_search_locations[0]) / "resources"


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
    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_assets()))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in (pages.router, api_docs.router, identity_routes.pages, identity_routes.api):
        app.include_router(router)
    app.add_middleware(
        RequestContextMiddleware, settings=container.settings, error_app=errors.internal_error_app
    )
    return app
