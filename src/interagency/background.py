"""Every kind of background job and every schedule, in one place (as the web app lists
its routers): a worker runs exactly these, and tests walk them.

The platform's own jobs (signing the audit head, sending e-mail, the daily sweep of
hits and review dates) act for no user; a user's job (an upload) acts for its user, whose
rights are checked again when it starts (`jobs.runner`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from interagency.audit import attach_signer, sign_head
from interagency.bootstrap import Container
from interagency.errors import DomainError
from interagency.events import accreditation
from interagency.exchange import prepared
from interagency.filestore.services import SCAN_JOB
from interagency.jobs import Job, JobState, operators
from interagency.jobs.kinds import JobKind, Run
from interagency.jobs.queue import JobQueue, Schedule, daily_at, every_minute
from interagency.jobs.runner import execute
from interagency.movements import manifests, minimisation
from interagency.outbox import SmtpMailer, dispatch_due
from interagency.records import maintenance, uploads

# E-mails sent by one dispatch job at most; the next minute's job sends the rest.
_MAIL_PER_JOB = 500
DONE_JOBS_KEPT = timedelta(days=30)


def _sign_audit_head(run: Run) -> None:
    sign_head(run.container)


def _send_mail(run: Run) -> None:
    settings = run.container.settings
    if not settings.email_enabled:
        return
    try:
        mailer = SmtpMailer.from_settings(settings)
    except DomainError:
        return  # a wrong sender address: `interagency check` and the web app say so
    dispatch_due(run.container, mailer, batch=_MAIL_PER_JOB)


def _scan_file(run: Run) -> None:
    assert run.subject_id is not None
    with run.uow() as uow:
        run.container.file_store.scan_pending_file(uow, run.subject_id)
        uow.commit()


def _purge_done_jobs(run: Run) -> None:
    # Two jobs a minute are scheduled: the done ones go after a month, the dead ones wait
    # for an operator.
    with run.uow() as uow:
        operators.purge(uow, run.caller, DONE_JOBS_KEPT, (JobState.DONE,))
        uow.commit()


def _rescreen(run: Run) -> None:
    def progress(done: int, total: int) -> None:
        run.report("cross-checking", done, total)

    maintenance.rescreen(run.uow, run.container.vault, run.caller, progress)


def _sweep_crossings(run: Run) -> None:
    with run.uow() as uow:
        minimisation.sweep(uow, run.caller, run.container.settings.movements_keep_hours)
        uow.commit()


def _hourly(moment: datetime) -> bool:
    # Exported files are kept a day: an hour more on the disk, sealed, is no matter.
    return moment.minute == 0


KINDS = (
    JobKind(uploads.JOB, uploads.process, "a bulk upload: check, store, cross-check"),
    JobKind(SCAN_JOB, _scan_file, "the malware scan of a received file"),
    JobKind("audit.sign", _sign_audit_head, "signing the audit trail's head"),
    JobKind("outbox.send", _send_mail, "sending the e-mail notifications due"),
    JobKind("records.rescreen", _rescreen, "expiring hits, cross-checking waiting records"),
    JobKind("jobs.purge", _purge_done_jobs, "deleting the jobs done a month ago"),
    JobKind(prepared.JOB, prepared.make, "a long thread's export: let out, drawn, stored"),
    JobKind(prepared.EXPIRE_JOB, prepared.expire, "releasing exported files past their time"),
    JobKind(manifests.JOB, manifests.process, "a manifest of crossings: read, split in parts"),
    JobKind(manifests.PART_JOB, manifests.process_part, "a part of a manifest: store, screen"),
    JobKind("movements.sweep", _sweep_crossings, "deleting crossings past their retention"),
    JobKind(accreditation.JOB, accreditation.process, "an event's applicants: screened"),
)
SCHEDULES = (
    Schedule("audit.sign", every_minute()),
    Schedule("outbox.send", every_minute()),
    Schedule("records.rescreen", daily_at(2)),
    Schedule("jobs.purge", daily_at(3)),
    Schedule(prepared.EXPIRE_JOB, _hourly),
    Schedule("movements.sweep", _hourly),
)


def job_queue(container: Container) -> JobQueue:
    """The queue of a worker process, which runs every kind and keeps every schedule."""
    attach_signer(container)
    return JobQueue(container, KINDS, SCHEDULES)


def run_pending(container: Container, *, limit: int = 1000) -> int:
    """Runs the jobs waiting now, one after the other in this process, without the queue
    (`interagency jobs run`, and tests); how many ran."""
    kinds = {kind.name: kind for kind in KINDS}
    waiting = (JobState.PENDING.value, JobState.QUEUED.value, JobState.RETRYING.value)
    ran = 0
    for _ in range(limit):
        with container.uow(read_only=True) as uow:
            job_id = uow.session.scalar(
                select(Job.id).where(Job.state.in_(waiting)).order_by(Job.id).limit(1)
            )
        if job_id is None:
            break
        # As the last attempt: a failure leaves the job dead, for `interagency jobs retry`.
        execute(container, kinds, job_id, last_attempt=True)
        ran += 1
    return ran
