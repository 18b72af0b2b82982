"""The auditor's page: the audit trail with filters, and its CSV export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import iterate_in_threadpool
from starlette.responses import Response

from interagency import audit
from interagency.egress import downloads
from interagency.errors import InvalidInput
from interagency.i18n import lazy
from interagency.identity import audit_access, audit_labels
from interagency.inputs import Line
from interagency.web.auth import CallerDep
from interagency.web.deps import RendererDep, UowDep
from interagency.web.templating import zone

router = APIRouter(include_in_schema=False)

OUTCOMES = ("ok", "denied", "failed")
# The CSV leaves in blocks of about this many characters.
BLOCK_CHARACTERS = 64 * 1024


def _moment(value: str | None, timezone: str, field: str) -> datetime | None:
    """A date or date-time typed in the reader's zone (as shown on the page), as UTC."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            lazy("{field}: enter a date as YYYY-MM-DD or a time as YYYY-MM-DDTHH:MM."),
            field=field,
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone(timezone))


def audit_filters(
    request: Request,
    since: Annotated[Line | None, Query(alias="from", max_length=40)] = None,
    until: Annotated[Line | None, Query(alias="to", max_length=40)] = None,
    action: Annotated[Line | None, Query(max_length=64)] = None,
    actor: Annotated[Line | None, Query(max_length=64)] = None,
    kind: Annotated[Line | None, Query(max_length=32)] = None,
    ref: Annotated[Line | None, Query(max_length=64)] = None,
    outcome: Annotated[Line | None, Query(pattern="^(ok|denied|failed)?$")] = None,
) -> audit.AuditFilter:
    timezone = request.state.timezone
    return audit.AuditFilter(
        time_from=_moment(since, timezone, "from"),
        time_to=_moment(until, timezone, "to"),
        action_prefix=action or None,
        actor_login=(actor or "").strip().lower() or None,
        object_kind=kind or None,
        object_ref=ref or None,
        outcome=outcome or None,
    )


FiltersDep = Annotated[audit.AuditFilter, Depends(audit_filters)]


@router.get("/audit")
def audit_page(
    request: Request,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
    filters: FiltersDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    found = audit_access.search(uow, caller, filters, page)
    uow.commit()
    query = {key: value for key, value in request.query_params.items() if key != "page"}
    context = {
        "rows": found.rows,
        "query": query,
        "page": page,
        "has_next": found.has_next,
        "outcomes": OUTCOMES,
        "outcome_label": audit_labels.outcome_label,
        "action_label": audit_labels.action_label,
        "detail_lines": audit_labels.detail_lines,
        "export_url": "/audit/export.csv?" + urlencode(query),
        "page_url": lambda number: "/audit?" + urlencode({**query, "page": number}),
    }
    return renderer.render(request, "identity/audit.html", context)


@router.get("/audit/export.csv")
def audit_export(uow: UowDep, caller: CallerDep, filters: FiltersDep) -> Response:
    exported = audit_access.export(uow, caller, filters)
    # Read whole while the transaction is open; the export's own audit entry and the
    # gate's record are committed before a byte leaves the server.
    lines = list(exported.lines)
    uow.commit()
    # Encoded in the thread pool a block at a time: a long trail would otherwise hold the
    # event loop for as long as it takes to encode and send every line.
    blocks = iterate_in_threadpool(_encoded(lines))
    return downloads.file_response(
        exported.receipt, blocks, "text/csv; charset=utf-8", "audit-trail.csv"
    )


def _encoded(lines: list[str]) -> Iterator[bytes]:
    block: list[str] = []
    size = 0
    for line in lines:
        block.append(line)
        size += len(line)
        if size >= BLOCK_CHARACTERS:
            yield "".join(block).encode()
            block, size = [], 0
    if block:
        yield "".join(block).encode()
