"""Every door by which content leaves the platform or crosses to another agency.

A door is registered here once, with the formats it serves, how its content leaves and
the routes that open it. The gate (`gate.release`) is the only way through any of them,
and a test walks the application's routes against this table: a route that answers
with a file or a list of objects and is neither a door nor listed in `NOT_DOORS` with
its reason fails the suite, as does a door whose route no longer exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from interagency.i18n import lazy


class Leaves(StrEnum):
    """How a door's content leaves; the gate's marking rules depend on it."""

    # A copy made for use off the platform (a PDF, DOCX or CSV file, a feed's document).
    COPY = "copy"
    # The original bytes of an attachment, to someone who may read it on the platform.
    ORIGINAL = "original"
    # Content that reaches another member agency on the platform (released details).
    CROSSING = "crossing"
    # Objects read in bulk through the API, counted per reader, kind and day.
    BULK_READ = "bulk-read"


class Door(StrEnum):
    THREAD_FILE = "exchange:thread-file"
    ATTACHMENT = "exchange:attachment"
    THREAD_LIST = "exchange:thread-list"
    COUNCIL_FILE = "council:file"
    COUNCIL_LIST = "council:list"
    AUDIT_FILE = "audit:file"
    HIT_DETAILS = "records:hit-details"
    RECORD_LIST = "records:record-list"
    HIT_LIST = "records:hit-list"
    CROSSING_RELEASE = "movements:crossing-release"
    EVENT_FILE = "events:file"


@dataclass(frozen=True)
class DoorSpec:
    door: Door
    leaves: Leaves
    formats: frozenset[str]
    # (method, path template) of every route that opens this door.
    routes: tuple[tuple[str, str], ...]
    # What the door lets out and under which rules, for `docs/exports.md` and the pages.
    summary: str


def _spec(
    door: Door, leaves: Leaves, formats: set[str], routes: list[tuple[str, str]], summary: str
) -> DoorSpec:
    return DoorSpec(door, leaves, frozenset(formats), tuple(routes), summary)


DOORS: Final[dict[Door, DoorSpec]] = {
    spec.door: spec
    for spec in (
        _spec(
            Door.THREAD_FILE, Leaves.COPY, {"pdf", "csv"},
            [("GET", "/exchange/threads/{thread_id}/export.{fmt}"),
             ("GET", "/api/v1/exchange/threads/{thread_id}/export"),
             # A long thread's file, prepared in the background: delivered later under
             # the export the gate recorded when the job made it.
             ("GET", "/exchange/prepared-exports/{prepared_id}/file"),
             ("GET", "/api/v1/exchange/prepared-exports/{prepared_id}/file")],
            lazy(
                "A thread as a PDF or CSV file, for the reader's agency or a registered third "
                "party."
            ),
        ),
        _spec(
            Door.ATTACHMENT, Leaves.ORIGINAL, {"original"},
            [("GET", "/exchange/attachments/{attachment_id}"),
             ("GET", "/api/v1/exchange/attachments/{attachment_id}")],
            lazy("An attachment's own bytes, to a reader of its thread."),
        ),
        _spec(
            Door.THREAD_LIST, Leaves.BULK_READ, {"json"},
            [("GET", "/api/v1/exchange/threads"), ("GET", "/api/v1/exchange/search"),
             ("GET", "/api/v1/exchange/threads/{thread_id}")],
            lazy("Threads listed, found or read one by one through the API."),
        ),
        _spec(
            Door.COUNCIL_FILE, Leaves.COPY, {"pdf", "docx"},
            [("GET", "/council/meetings/{meeting_id}/{what}.{fmt}"),
             ("GET", "/council/documents/{document_id}/export.{fmt}"),
             ("GET", "/council/programmes/{programme_id}/results.{fmt}"),
             ("GET", "/api/v1/council/programmes/{programme_id}/results.{fmt}")],
            lazy("An agenda, minutes, a joint document or a programme's results as PDF or DOCX."),
        ),
        _spec(
            Door.COUNCIL_LIST, Leaves.BULK_READ, {"json"},
            [("GET", "/api/v1/council/meetings"), ("GET", "/api/v1/council/documents"),
             ("GET", "/api/v1/council/register"), ("GET", "/api/v1/council/meetings/{meeting_id}"),
             ("GET", "/api/v1/council/documents/{document_id}")],
            lazy("Meetings and joint documents listed or read one by one through the API."),
        ),
        _spec(
            Door.EVENT_FILE, Leaves.COPY, {"pdf", "docx"},
            [("GET", "/events/{event_id}/exports/{what}.{fmt}"),
             ("GET", "/api/v1/events/{event_id}/exports/{what}.{fmt}")],
            lazy(
                "A major event's dossier, risk register or after-action report as PDF or DOCX."
            ),
        ),
        _spec(
            Door.AUDIT_FILE, Leaves.COPY, {"csv"},
            [("GET", "/audit/export.csv")],
            lazy("The audit entries an auditor may read, as a CSV file."),
        ),
        _spec(
            Door.CROSSING_RELEASE, Leaves.CROSSING, {"thread"},
            [("POST", "/movements/crossings/{crossing_id}/release/{reference}/{step}"),
             ("POST", "/api/v1/movements/alerts/{reference}/release/approve")],
            lazy(
                "A border crossing's time, place and route released to the holder of the "
                "profile it hit, as an exchange thread."
            ),
        ),
        _spec(
            Door.HIT_DETAILS, Leaves.CROSSING, {"thread"},
            [("POST", "/records/hits/{reference}/release/{step}"),
             ("POST", "/api/v1/records/hits/{reference}/release/approve")],
            lazy(
                "A record's particulars released to the officer who asked, as an exchange "
                "thread."
            ),
        ),
        _spec(
            Door.RECORD_LIST, Leaves.BULK_READ, {"json"},
            [("GET", "/api/v1/records"), ("GET", "/api/v1/records/due"),
             ("GET", "/api/v1/records/review-queue"), ("GET", "/api/v1/records/{record_id}"),
             # The fighters' board: the agency's profiles are its person records.
             ("GET", "/api/v1/movements/board")],
            lazy("Records listed or read one by one through the API."),
        ),
        _spec(
            Door.HIT_LIST, Leaves.BULK_READ, {"json"},
            [("GET", "/api/v1/records/hits"), ("GET", "/api/v1/records/hits/{reference}")],
            lazy("Hits listed or read one by one through the API."),
        ),
    )
}  # fmt: skip
