"""`interagency worker` and `interagency jobs list|retry|purge|run`: background work at the
server's command line. The jobs' rows hold no content, so every line here is safe to print."""

from __future__ import annotations

import logging
import multiprocessing
import signal
from datetime import timedelta
from typing import Annotated

import typer

from interagency.background import job_queue, run_pending
from interagency.errors import DomainError
from interagency.identity.principals import operator
from interagency.jobs import operators
from interagency.jobs.models import Job, JobState
from interagency.jobs.relay import Relay
from interagency.terminal import change, console, container_or_exit, refused

jobs_app = typer.Typer(
    help="Background jobs: list them, retry a dead one, purge old ones, run the waiting ones.",
    no_args_is_help=True,
)


def worker(
    threads: Annotated[
        int, typer.Option(help="Jobs run at once in each process.", min=1, max=64)
    ] = 2,
    processes: Annotated[
        int, typer.Option(help="Worker processes (each with its threads).", min=1, max=64)
    ] = 1,
) -> None:
    """Run background jobs until stopped (Ctrl+C or SIGTERM finish the jobs in hand)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    others = [
        multiprocessing.get_context("spawn").Process(
            target=_serve, args=(threads, False), name=f"worker-{n}"
        )
        for n in range(1, processes)
    ]
    for process in others:
        process.start()
    try:
        # The first process alone keeps the schedules; each process relays.
        _serve(threads, True)
    finally:
        for process in others:
            if process.is_alive():
                process.terminate()
            process.join()


def _serve(threads: int, keeps_schedules: bool) -> None:
    from interagency.cli import ensure_schema_is_current

    if not keeps_schedules:
        # A child stops with the parent's signal; it must not die half-way on Ctrl+C.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    container = container_or_exit()
    ensure_schema_is_current(container)
    queue = job_queue(container)
    relay = Relay(container, queue.hand_over)
    relay.start()
    consumer = queue.huey.create_consumer(
        workers=threads, worker_type="thread", periodic=keeps_schedules, max_delay=1.0
    )
    try:
        consumer.run()
    finally:
        relay.stop()


@jobs_app.command("list")
def list_jobs(
    state: Annotated[JobState | None, typer.Option(help="Only jobs in this state.")] = None,
) -> None:
    """The newest jobs: state, kind, attempts, progress and the class of the last error."""
    try:
        with container_or_exit().uow(read_only=True) as uow:
            rows = operators.listed(uow, operator(), state)
            lines = [_line(job) for job in rows]
    except DomainError as exc:
        raise refused(exc) from None
    for line in lines:
        console.print(line)
    console.print(f"{len(rows)} jobs shown (times UTC).")


def _line(job: Job) -> str:
    progress = f"{job.done_count}/{job.total_count}" if job.total_count else ""
    return (
        f"{job.public_id}  {job.state:<8}  {job.kind:<18}  attempts {job.attempts}  "
        f"{job.stage} {progress}  {job.error or ''}  created {job.created_at:%Y-%m-%d %H:%M:%S}"
    )


@jobs_app.command("retry")
def retry(job_id: Annotated[str, typer.Argument(help="The job's public id.")]) -> None:
    """Hand a dead job to the queue again."""
    with change() as uow:
        job = operators.retry(uow, operator(), operators.key_of(uow, job_id))
    console.print(f"Job {job.public_id} ({job.kind}) waits for a worker again.")


@jobs_app.command("purge")
def purge(
    days: Annotated[int, typer.Option(help="Delete jobs finished before this many days.")] = 30,
) -> None:
    """Delete jobs that finished (done or dead) more than DAYS ago."""
    with change() as uow:
        deleted = operators.purge(uow, operator(), timedelta(days=days))
    console.print(f"{deleted} finished jobs deleted.")


@jobs_app.command("run")
def run() -> None:
    """Run the jobs waiting now in this process, without a worker, and stop."""
    ran = run_pending(container_or_exit())
    console.print(f"{ran} jobs run.")
