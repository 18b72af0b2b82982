"""Who may see and retry background jobs: one table, deny by default.

A job row holds no content, but which agency uploads how much, and when, is itself
worth hiding: an agency's administrators see the jobs of their agency's users and the
platform's own jobs, never another agency's. The operator at the server's command line
sees all (`interagency jobs`).
"""

from __future__ import annotations

from enum import StrEnum

from interagency.identity.models import Role
from interagency.identity.policy import Principal


class Action(StrEnum):
    VIEW = "jobs:view"
    RETRY = "jobs:retry"


PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.VIEW: frozenset({Role.ADMINISTRATOR}),
    Action.RETRY: frozenset({Role.ADMINISTRATOR}),
}


def allowed(principal: Principal | None, action: Action) -> bool:
    if principal is None:
        return False
    return bool(principal.roles & PERMISSIONS.get(action, frozenset()))
