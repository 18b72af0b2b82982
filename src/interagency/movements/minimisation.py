"""Data minimisation: crossings that hit nothing, and crossings behind hits a person
dismissed, are deleted once their retention ends (`Settings.movements_keep_hours`, 24 by
default and never above 30 days), by the hourly sweep, with their screening keys,
screenings and dismissed hits (`screening.service.sweep_retention`). A crossing behind a
confirmed hit stays with the hit under the profile's review date: when the hit expires
(the daily sweep of hits), the crossing, the hit and its alert go at the next sweep.

Nothing else holds a crossing's content: its audit entries name it by reference only,
and a manifest's file is deleted when its job ends (`manifests`), whose report keeps
counts and problems, never a value."""

from __future__ import annotations

from datetime import timedelta

from interagency.db import UnitOfWork
from interagency.identity.principals import Caller
from interagency.movements.screened import CROSSINGS
from interagency.screening import service as screening


def sweep(uow: UnitOfWork, caller: Caller, keep_hours: int) -> int:
    """Deletes the crossings whose retention ended; how many."""
    deleted = screening.sweep_retention(
        uow, caller, retention={CROSSINGS.name: timedelta(hours=keep_hours)}
    )
    return deleted.get(CROSSINGS.name, 0)
