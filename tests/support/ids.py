"""Between the public ids users see and the integer keys the database and the audit keep."""

from __future__ import annotations

from sqlalchemy import select

from interagency.bootstrap import Container
from interagency.db import HasPublicId


def key_of(container: Container, model: type[HasPublicId], public_id: str) -> int:
    with container.uow() as uow:
        key = uow.session.scalar(
            select(model.__table__.c.id).where(model.public_id == public_id)  # type: ignore[attr-defined]
        )
    assert key is not None, f"no {model.__name__} has the public id {public_id}"
    return int(key)


def public_of(container: Container, model: type[HasPublicId], key: int) -> str:
    with container.uow() as uow:
        public_id = uow.session.scalar(
            select(model.public_id).where(model.__table__.c.id == key)  # type: ignore[attr-defined]
        )
    assert public_id is not None, f"no {model.__name__} has the key {key}"
    return str(public_id)
