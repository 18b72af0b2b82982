"""The configured daily limit of bulk reads, carried by every session the factory makes
(as the vault is), so the gate reads it without a global."""

from __future__ import annotations

from typing import Final

from sqlalchemy.orm import Session, sessionmaker

# Objects of one door a reader may read through the API in a UTC day without a
# subscription, unless the settings say otherwise.
DEFAULT_DAILY_LIMIT: Final = 2000
_LIMIT_KEY: Final = "interagency.egress.daily_limit"


def bind_limits(factory: sessionmaker[Session], daily_limit: int) -> None:
    """Lets the gate read the configured daily limit of bulk reads from every session."""
    factory.configure(info={**factory.kw.get("info", {}), _LIMIT_KEY: daily_limit})


def daily_limit(session: Session) -> int:
    return int(session.info.get(_LIMIT_KEY, DEFAULT_DAILY_LIMIT))
