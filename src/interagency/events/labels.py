"""Names of the events' kinds, categories, statuses and bands as people read them."""

from __future__ import annotations

from interagency.events.models import (
    EventKind,
    IncidentCategory,
    IncidentStatus,
    MeasureStatus,
    TaskStatus,
    ThreatCategory,
    Treatment,
)
from interagency.events.policy import BAND_NAMES
from interagency.i18n import gettext, lazy

LABELS: dict[str, str] = {
    EventKind.SPORTS_COMPETITION: lazy("sports competition"),
    EventKind.SUMMIT: lazy("summit"),
    EventKind.CULTURAL_FESTIVAL: lazy("cultural festival"),
    EventKind.OTHER: lazy("other event"),
    ThreatCategory.ARMED_ATTACK: lazy("armed attack"),
    ThreatCategory.EXPLOSIVE_ATTACK: lazy("attack with explosives"),
    ThreatCategory.VEHICLE_RAMMING: lazy("vehicle-ramming attack"),
    ThreatCategory.ARSON: lazy("arson"),
    ThreatCategory.HOSTAGE_TAKING: lazy("hostage-taking"),
    ThreatCategory.ATTACK_ON_PROTECTED_PERSON: lazy("attack on a protected person"),
    ThreatCategory.CBRN_ATTACK: lazy("chemical, biological, radiological or nuclear attack"),
    ThreatCategory.UNMANNED_AIRCRAFT_ATTACK: lazy("attack with unmanned aircraft"),
    ThreatCategory.SABOTAGE: lazy("sabotage of venues or services"),
    ThreatCategory.CROWD_VIOLENCE: lazy("violence in crowds"),
    Treatment.AVOID: lazy("avoid"),
    Treatment.REDUCE: lazy("reduce"),
    Treatment.TRANSFER: lazy("transfer"),
    Treatment.ACCEPT: lazy("accept"),
    # tasks and measures share these
    TaskStatus.OPEN: lazy("open"),
    TaskStatus.IN_PROGRESS: lazy("in progress"),
    TaskStatus.DONE: lazy("done"),
    TaskStatus.CANCELLED: lazy("cancelled"),
    MeasureStatus.PLANNED: lazy("planned"),
    # incidents: the violent acts above, and these
    IncidentCategory.CROWD_SAFETY: lazy("crowd safety"),
    IncidentCategory.MEDICAL: lazy("medical emergency"),
    IncidentCategory.LOST_PERSON: lazy("lost person"),
    IncidentCategory.SUSPICIOUS_ITEM: lazy("suspicious item"),
    IncidentCategory.SERVICE_DISRUPTION: lazy("disruption of services"),
    IncidentStatus.CLOSED: lazy("closed"),
    **{band.value: name for band, name in BAND_NAMES.items()},
}


def label(value: str | None) -> str:
    """The value's name in the current language; an unknown value is shown as it is."""
    source = LABELS.get(value or "")
    return gettext(source) if source else (value or "")
