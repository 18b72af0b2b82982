"""Names of roles and agency kinds as people read them, in both languages."""

from __future__ import annotations

from interagency.i18n import gettext, lazy
from interagency.identity.models import AgencyKind, Role

ROLE_LABELS: dict[Role, str] = {
    Role.LIAISON_OFFICER: lazy("Liaison officer"),
    Role.ANALYST: lazy("Analyst"),
    Role.SUPERVISOR: lazy("Supervisor"),
    Role.SECRETARIAT: lazy("Secretariat"),
    Role.NEUTRALITY_REVIEWER: lazy("Neutrality reviewer"),
    Role.DATA_PROTECTION_OFFICER: lazy("Data protection officer"),
    Role.AUDITOR: lazy("Auditor"),
    Role.ADMINISTRATOR: lazy("Administrator"),
}

KIND_LABELS: dict[AgencyKind, str] = {
    AgencyKind.MEMBER_AGENCY: lazy("Member agency"),
    AgencyKind.SECRETARIAT: lazy("Council secretariat"),
    AgencyKind.REVIEW_BOARD: lazy("Independent review board"),
}


def role_names() -> dict[str, str]:
    return {role.value: gettext(label) for role, label in ROLE_LABELS.items()}


def kind_names() -> dict[str, str]:
    return {kind.value: gettext(label) for kind, label in KIND_LABELS.items()}
