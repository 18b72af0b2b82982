"""E-mail addresses: the one check used by the outbox and by users' profiles.

Deliberately narrower than RFC 5322: a plain `local@domain` in ASCII, because the
addresses are typed by administrators for official mailboxes, and anything exotic
(quoted local parts, comments, display names, line breaks) is more likely a mistake or
a header injection than a real mailbox.
"""

from __future__ import annotations

import re

from interagency.errors import InvalidInput
from interagency.i18n import lazy

from .models import ADDRESS_LENGTH

_LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
# RFC 5321: the local part is at most 64 octets.
_LOCAL_PART_LENGTH = 64


def normalise_address(value: str) -> str:
    """`value` without surrounding spaces and with its domain in lower case.

    Raises InvalidInput saying what to fix when it is not a plain address such as
    `ivanov@fsb.demo.invalid`.
    """
    address = value.strip()
    local, at, domain = address.rpartition("@")
    labels = domain.split(".")
    valid = (
        bool(at)
        and len(address) <= ADDRESS_LENGTH
        and len(local) <= _LOCAL_PART_LENGTH
        and _LOCAL_PART.fullmatch(local) is not None
        and len(labels) >= 2  # a mailbox needs a domain and a top-level domain
        and all(_DOMAIN_LABEL.fullmatch(label) for label in labels)
    )
    if not valid:
        raise InvalidInput(
            lazy(
                "{address} is not an e-mail address; write it as name@domain.tld, "
                "in Latin letters, without spaces."
            ),
            address=value[:ADDRESS_LENGTH],
        )
    return f"{local}@{domain.lower()}"
