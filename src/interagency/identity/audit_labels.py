"""The audit trail as the auditor's page shows it: outcomes and the commonest actions in
words, and each entry's details as readable "key: value" lines.

The trail itself keeps its tags and JSON unchanged (the export and the chain need them);
only the page puts them in words. The tag stays beside its words, since the filter is
typed by tag.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from interagency.i18n import gettext, lazy

OUTCOME_LABELS: Final = {
    "ok": lazy("succeeded"),
    "denied": lazy("access denied"),
    "failed": lazy("did not succeed"),
}

# The actions an auditor meets most; any other is shown by its tag alone.
ACTION_LABELS: Final = {
    "access:denied": lazy("Access refused"),
    "audit:export": lazy("Exported the audit trail"),
    "audit:search": lazy("Searched the audit trail"),
    "audit:view": lazy("Opened the audit trail"),
    "auth:login:failed": lazy("Sign-in failed"),
    "auth:login:ok": lazy("Signed in"),
    "auth:logout": lazy("Signed out"),
    "auth:password:changed": lazy("Changed the password"),
    "auth:totp:failed": lazy("Wrong one-time code"),
    "exchange:search": lazy("Searched the exchange"),
    "exchange:thread:read": lazy("Read a thread"),
    "exchange:thread:reply": lazy("Replied on a thread"),
    "exchange:thread:send": lazy("Sent a thread"),
    "records:hit:found": lazy("Hit found"),
    "records:hit:view": lazy("Opened a hit"),
    "records:record:create": lazy("Created a record"),
    "records:record:update": lazy("Changed a record"),
    "records:record:view": lazy("Opened a record"),
}

# A value longer than this is shown cut, with the whole of it a click away.
SHORT_CHARACTERS = 80


@dataclass(frozen=True)
class DetailLine:
    key: str
    text: str
    # The beginning shown while the whole is folded away; None when the text is short.
    short: str | None


def outcome_label(outcome: str) -> str:
    label = OUTCOME_LABELS.get(outcome)
    return gettext(label) if label else outcome


def action_label(action: str) -> str | None:
    label = ACTION_LABELS.get(action)
    return gettext(label) if label else None


def readable(value: object) -> str:
    """A JSON value as words: lists as items separated by commas, objects as key: value."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(readable(item) for item in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {readable(inner)}" for key, inner in value.items())
    return str(value)


def detail_lines(detail: Mapping[str, object] | None) -> list[DetailLine]:
    lines = []
    for key, value in (detail or {}).items():
        text = readable(value)
        short = text[:SHORT_CHARACTERS] + "…" if len(text) > SHORT_CHARACTERS else None
        lines.append(DetailLine(key=str(key), text=text, short=short))
    return lines
