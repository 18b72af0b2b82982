"""The operators' page of background jobs, under /jobs: states, progress, failures, and a
button to hand a dead job over again. Thin: `operators` and its policy decide."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from interagency import i18n
from interagency.inputs import Line
from interagency.jobs import operators
from interagency.jobs.labels import job_label
from interagency.jobs.models import Job, JobState
from interagency.web.auth import CallerDep
from interagency.web.deps import RendererDep, UowDep
from interagency.web.forms import done
from interagency.web.ids import key_of

router = APIRouter(prefix="/jobs", include_in_schema=False)
JobId = Annotated[int, Depends(key_of(Job, "job_id"))]


@router.get("")
def jobs_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep, state: Line = ""
) -> Response:
    chosen = JobState(state) if state in set(JobState) else None
    rows = operators.listed(uow, caller, chosen)
    counts = operators.counts(uow, caller)
    uow.commit()
    context = {
        "jobs": rows,
        "counts": counts,
        "state": chosen,
        "states": list(JobState),
        "job_label": job_label,
    }
    return renderer.render(request, "jobs/list.html", context)


@router.post("/{job_id}/retry")
def retry_job(request: Request, job_id: JobId, uow: UowDep, caller: CallerDep) -> Response:
    operators.retry(uow, caller, job_id)
    return done(
        request, uow, "/jobs?state=pending", i18n.gettext("The job waits for a worker again.")
    )
