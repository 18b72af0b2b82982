"""Every way out of the platform is a door of the export gate (`egress.DOORS`), checked on
the whole application rather than route by route: a new route that answers with a file or
a list of objects, and is not a door, fails here until it is made one or listed below with
its reason.

- every route a door names exists (no stale entry in the registry);
- every JSON API read that answers a list of objects, or a page of them, is a route of a
  bulk-read door or is listed in `NOT_DOORS` with its reason (and nothing stale is listed);
- every route declared to answer a file is a route of a door that makes a copy or hands an
  original;
- no module but `egress/downloads.py` writes a `Content-Disposition` header or answers with
  Starlette's `FileResponse` (which writes one): a download is only ever made by
  `downloads.file_response`, which takes the gate's receipt.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from starlette.responses import FileResponse, StreamingResponse

import interagency
from interagency.bootstrap import bootstrap
from interagency.egress import DOORS, Leaves
from interagency.web.app import create_app
from tests.support.databases import settings_for

# GET /api/v1 routes that answer a list of objects without being a door, and why.
NOT_DOORS: dict[str, str] = {
    "/api/v1/states": "the member states: the council's public directory",
    "/api/v1/agencies": "the directory of agencies, the same for every signed-in user",
    "/api/v1/users": "the accounts the caller administers or supervises: no content",
    "/api/v1/account-changes": "account changes asked for the administrator's own agency",
    "/api/v1/council/documents/{document_id}/diff": "the lines of one document's versions, "
    "read one document at a time as its page shows them",
    "/api/v1/records/access-requests": "data subjects' access requests, for the DPO of the "
    "agency that received them",
    "/api/v1/exports/third-parties": "the destinations the secretariat registered: the "
    "gate's own directory",
    "/api/v1/exports/consents": "the consents one's own agency gave, for its supervisors and DPO",
    "/api/v1/exports/subscriptions": "the subscriptions one's agency asked for or whose "
    "reads reached it, with their four-eyes decisions",
    "/api/v1/movements/counts": "counts per member state and month, none under five: no "
    "object, no person",
    "/api/v1/movements/manifests/{manifest_id}": "one's own manifest's counts and problems "
    "by row and column, never a value of a row",
}

# What a page or a JSON answer is sent as; anything else is a file.
NOT_FILES = {"application/json", "application/problem+json", "text/html"}
DOWNLOADS = Path(interagency.__file__).parent / "egress" / "downloads.py"


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    response_model: Any
    # The media types the route is declared to answer with, besides JSON, problems and HTML.
    file_types: frozenset[str]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _file_types(route: Any) -> frozenset[str]:
    declared = {
        media for answer in (route.responses or {}).values() for media in answer.get("content", {})
    }
    response_class = getattr(route.response_class, "value", route.response_class)
    if issubclass(response_class, FileResponse | StreamingResponse):
        declared.add(f"{response_class.__name__} (any)")
    if response_class.media_type:
        declared.add(response_class.media_type)
    return frozenset(media.split(";")[0] for media in declared) - NOT_FILES


@pytest.fixture(scope="module")
def routes(tmp_path_factory: pytest.TempPathFactory) -> list[Route]:
    """The routes of the real application, as it serves them (routers included)."""
    folder = tmp_path_factory.mktemp("doors")
    container = bootstrap(settings_for(f"sqlite:///{folder / 'unopened.db'}"))
    app = create_app(container)
    found = [
        Route(method, context.path or "", context.response_model, _file_types(context))
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        for method in sorted(context.methods or ())
    ]
    container.engine.dispose()
    return found


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _is_list_of_models(annotation: Any) -> bool:
    origin = get_origin(annotation)
    return origin in (list, tuple, set, frozenset) and any(
        _is_model(inner) for inner in get_args(annotation)
    )


def answers_a_list(response_model: Any) -> bool:
    """A list of objects, or a page of them: a model whose one list of objects stands
    beside nothing but counts and cursors. A detail that holds several lists (a thread
    and its messages, a meeting and its agenda) is one object."""
    if _is_list_of_models(response_model):
        return True
    if not _is_model(response_model):
        return False
    fields = [field.annotation for field in response_model.model_fields.values()]
    lists = [annotation for annotation in fields if _is_list_of_models(annotation)]
    nested = [
        annotation
        for annotation in fields
        if _is_model(annotation) or get_origin(annotation) in (list, tuple, set, dict)
    ]
    return len(lists) == 1 and len(nested) == 1


def _door_routes(*ways: Leaves) -> set[tuple[str, str]]:
    return {route for spec in DOORS.values() if spec.leaves in ways for route in spec.routes}


def test_every_route_a_door_names_exists(routes: list[Route]) -> None:
    served = {(route.method, route.path) for route in routes}
    stale = [
        f"{spec.door}: {method} {path}"
        for spec in DOORS.values()
        for method, path in spec.routes
        if (method, path) not in served
    ]
    assert stale == [], "a door names a route the application does not serve"


def test_every_api_list_is_a_bulk_read_door_or_says_why_not(routes: list[Route]) -> None:
    bulk = _door_routes(Leaves.BULK_READ)
    lists = [
        route
        for route in routes
        if route.method == "GET"
        and route.path.startswith("/api/v1/")
        and answers_a_list(route.response_model)
    ]
    undeclared = [
        str(route)
        for route in lists
        if (route.method, route.path) not in bulk and route.path not in NOT_DOORS
    ]
    assert undeclared == [], "a list of objects leaves through no door"
    listed = {route.path for route in lists}
    assert sorted(set(NOT_DOORS) - listed) == [], "NOT_DOORS names a route that lists nothing"
    assert sorted(set(NOT_DOORS) & {path for _, path in bulk}) == [], "a door is not a not-door"
    assert all(reason.strip() for reason in NOT_DOORS.values())


def test_every_route_that_answers_a_file_is_a_copy_or_original_door(routes: list[Route]) -> None:
    doors = _door_routes(Leaves.COPY, Leaves.ORIGINAL)
    outside = [
        f"{route} ({', '.join(sorted(route.file_types))})"
        for route in routes
        if route.file_types and (route.method, route.path) not in doors
    ]
    assert outside == [], "a file leaves through no door that makes a copy or hands an original"


def test_the_walk_sees_lists_pages_files_and_details(routes: list[Route]) -> None:
    """The tests above would pass on an empty walk or a blind classifier."""
    by_path = {(route.method, route.path): route for route in routes}
    assert answers_a_list(by_path["GET", "/api/v1/exchange/threads"].response_model)  # a page
    assert answers_a_list(by_path["GET", "/api/v1/agencies"].response_model)  # a list
    assert not answers_a_list(by_path["GET", "/api/v1/exchange/threads/{thread_id}"].response_model)
    assert not answers_a_list(by_path["GET", "/api/v1/me"].response_model)
    assert by_path["GET", "/api/v1/exchange/attachments/{attachment_id}"].file_types
    assert not by_path["GET", "/api/v1/exchange/threads/{thread_id}"].file_types


# --- the one place that writes a download's headers ---------------------------------------


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string constants that are docstrings (documentation, not headers)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.add(id(value))
    return found


def _modules() -> Iterator[Path]:
    root = Path(interagency.__file__).parent
    yield from sorted(path for path in root.rglob("*.py") if path != DOWNLOADS)


def _offences(path: Path) -> list[str]:
    """Where the module writes a Content-Disposition or uses FileResponse: 'line: what'."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and "content-disposition" in node.value.lower()
        ):
            found.append(f"{node.lineno}: writes Content-Disposition")
        named = node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)
        if isinstance(node, ast.alias):
            named = node.name.rsplit(".", 1)[-1]
        if named == "FileResponse":
            found.append(f"{getattr(node, 'lineno', 0)}: answers with FileResponse")
    return found


def test_only_the_gates_downloads_write_a_content_disposition() -> None:
    root = Path(interagency.__file__).parent
    offences = [
        f"{path.relative_to(root)}:{offence}" for path in _modules() for offence in _offences(path)
    ]
    assert offences == [], "a download made without the gate's receipt"


def test_the_scan_finds_a_header_written_by_hand(tmp_path: Path) -> None:
    """The scan above would pass on a blind reader: it sees a header, not a docstring."""
    module = tmp_path / "leaky.py"
    module.write_text(
        '"""Downloads set Content-Disposition: attachment."""\n'
        "from starlette.responses import FileResponse\n"
        "headers = {'content-disposition': 'attachment'}\n",
        encoding="utf-8",
    )
    assert len(_offences(module)) == 2
    assert DOWNLOADS.name == "downloads.py"
    assert DOWNLOADS.exists()
