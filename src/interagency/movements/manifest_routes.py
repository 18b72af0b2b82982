"""Manifests of a day's crossings: received as files, screened by a job (`manifests`).
Pages under /movements/manifests, JSON under /api/v1/movements/manifests. Thin: the
file store receives the file, the service decides."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile, status
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from interagency import i18n
from interagency.bootstrap import Container
from interagency.db import UnitOfWork
from interagency.identity.principals import Caller
from interagency.movements import crossings, manifests
from interagency.movements.models import CrossingManifest
from interagency.web.auth import CallerDep
from interagency.web.deps import ContainerDep, RendererDep, UowDep
from interagency.web.forms import done
from interagency.web.ids import key_of
from interagency.web.openapi import API_DEPENDENCIES, PROBLEM_RESPONSES

pages = APIRouter(prefix="/movements", include_in_schema=False)
api = APIRouter(
    prefix="/api/v1/movements",
    tags=["movements"],
    responses=PROBLEM_RESPONSES,
    dependencies=API_DEPENDENCIES,
)

ManifestId = Annotated[int, Depends(key_of(CrossingManifest, "manifest_id"))]
# The paths that receive a manifest, with the manifests' own size limit
# (`Settings.manifest_max_bytes`, applied by the web layer's body limit and the file store).
UPLOAD_PATHS = ("/api/v1/movements/manifests", "/movements/manifests")
_CHUNK = 64 * 1024


class ProblemOut(BaseModel):
    row: int
    column: str
    code: str
    message: str


class ManifestOut(BaseModel):
    """A manifest's state and counts; its problems by row and column, never a value."""

    reference: str
    status: str
    rows: int
    screened: int
    hits: int
    problem_count: int
    problems: list[ProblemOut]
    refusal: str | None
    created_at: datetime
    finished_at: datetime | None


def manifest_out(manifest: CrossingManifest) -> ManifestOut:
    return ManifestOut(
        reference=manifest.public_id,
        status=manifest.status,
        rows=manifest.rows,
        screened=manifest.screened,
        hits=manifest.hits,
        problem_count=manifest.problem_count,
        problems=[
            ProblemOut(
                row=int(str(row)),
                column=str(column),
                code=str(code),
                message=i18n.gettext(manifests.problem_text(str(code))),
            )
            for row, column, code in manifest.problems or []
        ],
        refusal=_refusal(manifest),
        created_at=manifest.created_at,
        finished_at=manifest.finished_at,
    )


def _refusal(manifest: CrossingManifest) -> str | None:
    parts = manifests.refusal_parts(manifest.refusal)
    if parts is None:
        return None
    message, params = parts
    return i18n.gettext(message).format(**params)


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(_CHUNK):
        yield chunk


async def _accept(
    uow: UnitOfWork, caller: Caller, container: Container, file: UploadFile
) -> CrossingManifest:
    """Nothing is received for a user who may not submit crossings."""
    principal = await run_in_threadpool(crossings.require_submitter, caller)
    name = file.filename or "manifest"
    stored = await container.file_store.receive(
        uow,
        _chunks(file),
        agency_id=principal.agency_id,
        filename=name,
        declared_length=None,
        max_bytes=container.settings.manifest_max_bytes,
    )
    manifest: CrossingManifest = await run_in_threadpool(
        manifests.accept, uow, caller, container.file_store, name, stored
    )
    return manifest


# ------------------------------------------------------------------------------ the API


@api.post(
    "/manifests",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Send a day's manifest of crossings (CSV, XLSX or Parquet); a job screens it",
)
async def send_manifest(
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    file: Annotated[UploadFile, File(description="Columns: the fields of a crossing")],
) -> ManifestOut:
    manifest = await _accept(uow, caller, container, file)
    await run_in_threadpool(uow.commit)
    return manifest_out(manifest)


@api.get("/manifests/{manifest_id}", summary="A manifest's state, counts and problems")
def manifest_state(manifest_id: ManifestId, uow: UowDep, caller: CallerDep) -> ManifestOut:
    manifest = manifests.status(uow, caller, manifest_id)
    out = manifest_out(manifest)
    uow.commit()
    return out


# ---------------------------------------------------------------------------- the pages


@pages.get("/manifests")
def manifests_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    recent = manifests.recent(uow, caller)
    uow.commit()
    return renderer.render(
        request,
        "movements/manifests.html",
        {"recent": recent, "columns": manifests.COLUMNS, "max_rows": manifests.MAX_ROWS},
    )


@pages.post("/manifests")
async def send_manifest_page(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    file: Annotated[UploadFile, File()],
) -> Response:
    manifest = await _accept(uow, caller, container, file)
    message = i18n.gettext("Manifest received: its crossings are being screened.")
    return await run_in_threadpool(
        done, request, uow, f"/movements/manifests/{manifest.public_id}", message
    )


@pages.get("/manifests/{manifest_id}")
def manifest_page(
    request: Request, manifest_id: ManifestId, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    manifest = manifests.status(uow, caller, manifest_id)
    uow.commit()
    return renderer.render(
        request,
        "movements/manifest.html",
        {"manifest": manifest, "report": manifest_out(manifest)},
    )
