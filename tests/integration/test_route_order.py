"""No page or API address is lost to a route declared before it: Starlette tries routes
in order, so `/records/{record_id}` declared first would answer `/records/due` itself
(422, "path.record_id") and the page meant for it would never be reached."""

from __future__ import annotations

from pathlib import Path

from fastapi.routing import iter_route_contexts
from starlette.routing import compile_path

from interagency.bootstrap import bootstrap
from interagency.web.app import create_app
from tests.support.databases import settings_for


def _get_routes(tmp_path: Path) -> list[str]:
    container = bootstrap(settings_for(f"sqlite:///{tmp_path / 'routes.db'}"))
    app = create_app(container)
    paths = [
        context.path_format
        for context in iter_route_contexts(app.routes)
        if "GET" in (context.methods or ()) and context.path_format
    ]
    container.engine.dispose()
    return paths


def _example(path: str) -> str:
    """An address the route answers, its parameters filled with a word of letters."""
    return "/".join("sample" if part.startswith("{") else part for part in path.split("/"))


def test_no_get_route_is_shadowed_by_an_earlier_parameterised_one(tmp_path: Path) -> None:
    paths = _get_routes(tmp_path)
    assert "/records/{record_id}" in paths  # (the walk sees the included routers)
    shadowed = [
        (earlier, later)
        for position, later in enumerate(paths)
        for earlier in paths[:position]
        if "{" in earlier and earlier != later and compile_path(earlier)[0].match(_example(later))
    ]
    assert shadowed == []


def test_the_walk_would_see_a_shadowed_route() -> None:
    # The check above on a known case: a static address after a parameterised one.
    earlier, later = "/records/{record_id}", "/records/due"
    assert compile_path(earlier)[0].match(_example(later))
    assert not compile_path("/records/{record_id}/edit")[0].match(_example(later))
