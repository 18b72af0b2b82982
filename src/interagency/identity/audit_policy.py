"""What a reader of the audit trail may know of each entry: one policy for the page and
the CSV export alike.

`policy.audit_scope` says which entries a reader gets; this module says what of each
entry they see. The rules, top to bottom:

1. An entry belongs to the agency whose user acted. Where no agency's user acted (the
   operator's commands, anonymous sign-in attempts), it belongs to the agency whose key
   seals its personal values: the agency the command concerns, else the secretariat.
   An entry with neither belongs to no agency.
2. Personal values (search words, typed logins, reasons) are read only by the readers of
   the agency under whose key they are sealed. Everyone else learns that the entry had
   them (a search happened), never what they were: they are not even opened.
3. The readers of the entry's own agency see its object by public id where the kind is
   known (`audit_access.name_kind`), and its detail as recorded, except the facts of
   another agency some actions record (`FOREIGN_FACTS`).
4. Every other reader (the council bodies', reading a member agency's entries) sees the
   object, the client's address, and each value in detail that might name an object, as
   an opaque reference: keyed under the reader's agency (`Vault.reference`), so it cannot
   be turned back by trying every small integer, and stable, so entries about one object
   (or from one address) still correlate. Deny by default: only values under the keys of
   `SHOWN` (counts, sizes, codes) are shown as recorded; booleans and nulls name nothing
   and stay.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from interagency.audit import AuditEntryView

# Rule 3: what an action records that the acting agency may not know. The chain keeps
# it (the council's auditors see it, opaque or as a count); the acting agency's readers
# do not.
FOREIGN_FACTS: Final[Mapping[str, frozenset[str]]] = {
    # The found record and the score are the owning agency's: the searching side learns
    # a hit's reference and band only. Entries written before they stopped being
    # recorded still hold them.
    "records:hit:found": frozenset({"found_record", "score"}),
    # How many of the other agencies' records the safeguards let this one meet: a count
    # of what they hold.
    "records:record:screen": frozenset({"compared"}),
    "screening:screen": frozenset({"compared"}),
    "movements:crossing:screen": frozenset({"compared"}),
    "events:accreditation:screen": frozenset({"compared"}),
}

# Rule 4: detail keys whose values are shown as recorded to every reader. Anything not
# listed here (an id, a list of ids, a reference, a digest, a new key nobody has
# thought about yet) reaches a reader outside the entry's agency as an opaque reference.
SHOWN: Final = frozenset(
    {
        # counts and sizes
        "added", "compared", "count", "days", "dpos_alerted", "factors", "limit", "minutes", "page",
        "problems", "records", "rewrapped", "rows", "sessions_ended", "size", "terms",
        "threads", "tokens_revoked", "total", "up_to_seq", "version", "withheld",
        # codes and words of the platform's vocabulary, not names of objects
        "band", "destination", "door", "format", "handling", "kind", "marking", "media_type",
        "purpose", "reason", "role", "roles", "scanner", "status", "tlp", "why",
        # the directory: agency and desk codes and agency ids are known to every reader
        "agencies", "agency", "code", "desk", "desks", "recipients", "target_agency",
        # refusals: a route's template names no object; a minute and a count of refusals
        "method", "route", "minute", "repeated",
    }
)  # fmt: skip

OPAQUE_PREFIX: Final = "ref-"

Reference = Callable[[str], str]
PublicId = Callable[[str, str], str | None]


def entry_agency(view: AuditEntryView) -> int | None:
    """Rule 1: the agency the entry belongs to, or None."""
    if view.actor_agency_id is not None:
        return view.actor_agency_id
    return view.personal_agency_id


@dataclass(frozen=True)
class AuditReader:
    """One reader of the audit trail (an `audit.EntryReader`): an auditor or a DPO of
    `agency_id`. `reference` makes the reader's opaque references; `public_id` names an
    object of a known kind by its public id (None when unknown)."""

    agency_id: int
    reference: Reference
    public_id: PublicId

    def may_open(self, sealed_under_agency_id: int) -> bool:
        # Rule 2: the key an agency sealed the values under says whose they are.
        return sealed_under_agency_id == self.agency_id

    def project(self, view: AuditEntryView) -> AuditEntryView:
        if entry_agency(view) == self.agency_id:
            return self._as_own(view)
        return self._as_stranger(view)

    def _as_own(self, view: AuditEntryView) -> AuditEntryView:
        foreign = FOREIGN_FACTS.get(view.action, frozenset())
        detail = {key: value for key, value in view.detail.items() if key not in foreign}
        named = None
        if view.object_kind is not None and view.object_ref is not None:
            named = self.public_id(view.object_kind, view.object_ref)
        return replace(view, object_ref=named or view.object_ref, detail=detail)

    def _as_stranger(self, view: AuditEntryView) -> AuditEntryView:
        ref, address = view.object_ref, view.client_address
        return replace(
            view,
            object_ref=None if ref is None else self._opaque(view.object_kind or "object", ref),
            # Where an agency's staff work from is the agency's to know.
            client_address=None if address is None else self._opaque("address", address),
            detail={key: self._value(key, value) for key, value in view.detail.items()},
        )

    def _value(self, key: str, value: Any) -> Any:
        if key in SHOWN or value is None or isinstance(value, bool):
            return value
        if isinstance(value, list):
            return [self._value(key, item) for item in value]
        if isinstance(value, dict):
            return {inner: self._value(inner, item) for inner, item in value.items()}
        return self._opaque(key, value)

    def _opaque(self, namespace: str, value: object) -> str:
        text = str(value)
        # A number names an object only with its kind (thread 17, record 17); a text
        # reference (HIT-…, a public id) is unique on its own, so that it correlates
        # wherever it appears.
        numeric = isinstance(value, int | float) or text.isdigit()
        return OPAQUE_PREFIX + self.reference(f"{namespace}:{text}" if numeric else text)
