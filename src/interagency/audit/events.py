"""What a caller tells the audit trail about one event."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

OUTCOMES = ("ok", "denied", "failed")


@dataclass(frozen=True)
class AuditEvent:
    """One event to record.

    `action` is a tag such as "auth:login:failed" or "identity:user:read". `detail` holds
    non-personal JSON values (for lists and searches: the query's filters and the ids
    returned); anything that identifies a person goes in `personal`, which is kept aside
    so that it can be erased without breaking the chain. `actor_login` is a snapshot,
    because users can be renamed or removed.
    """

    action: str
    outcome: str = "ok"
    actor_user_id: int | None = None
    actor_login: str | None = None
    actor_agency_id: int | None = None
    object_kind: str | None = None
    object_ref: str | None = None
    client_address: str | None = None
    detail: Mapping[str, object] = field(default_factory=dict)
    personal: Mapping[str, object] | None = None
    # Whose key seals `personal` when no agency's user acted (the operator's commands):
    # the agency the event concerns. Not part of the chained entry.
    owner_agency_id: int | None = None

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}, not {self.outcome!r}")
        if not self.action:
            raise ValueError("an audit event needs an action tag")
