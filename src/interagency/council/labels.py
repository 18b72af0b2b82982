"""Names of the council's statuses, kinds and positions as people read them."""

from __future__ import annotations

from interagency.i18n import gettext, lazy

LABELS: dict[str, str] = {
    # meetings
    "planned": lazy("planned"),
    "held": lazy("held"),
    # tasks
    "open": lazy("open"),
    "done": lazy("done"),
    "cancelled": lazy("cancelled"),
    # documents
    "draft": lazy("draft"),
    "under_review": lazy("under review"),
    "adopted": lazy("adopted"),
    "superseded": lazy("superseded"),
    "agreement": lazy("agreement"),
    "recommendation": lazy("recommendation"),
    "assessment": lazy("joint assessment"),
    "decision": lazy("decision"),
    "report": lazy("annual report"),
    "approve": lazy("approves"),
    "object": lazy("objects"),
    # measures and programmes
    "in_progress": lazy("in progress"),
    "delayed": lazy("delayed"),
    "active": lazy("active"),
    "finished": lazy("finished"),
}


def label(value: str) -> str:
    """The value's name in the current language; an unknown value is shown as it is."""
    source = LABELS.get(value)
    return gettext(source) if source else value
