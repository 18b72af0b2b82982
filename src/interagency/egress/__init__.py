"""The export gate: every door by which content leaves the platform or crosses to
another agency, and the one function they all call (`release`).

    receipt = egress.release(uow, caller, Door.THREAD_FILE, [item], fmt="pdf",
                             destination=egress.READER)
    return downloads.file_response(receipt, content, media_type, filename)

A feature builds each `Item` from its own policy table (`permit`, `consented`) and its
safeguards (`safeguard`); the gate adds the rules that hold for every feature
(`egress.policy`), checks third parties and consents, counts bulk reads and records the
export. Its receipt's export id, marking and expiry go on every item that leaves.
"""

from interagency.egress.doors import DOORS, Door, DoorSpec, Leaves
from interagency.egress.gate import (
    READER,
    Destination,
    Item,
    Permit,
    Receipt,
    check,
    receipt_of,
    release,
    to_agency,
    to_third_party,
)
from interagency.egress.limits import bind_limits
from interagency.egress.models import DestinationKind

__all__ = [
    "DOORS",
    "READER",
    "Destination",
    "DestinationKind",
    "Door",
    "DoorSpec",
    "Item",
    "Leaves",
    "Permit",
    "Receipt",
    "bind_limits",
    "check",
    "receipt_of",
    "release",
    "to_agency",
    "to_third_party",
]
