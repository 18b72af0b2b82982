"""Public identifiers in paths: a route names a row by its random public id
(`db.HasPublicId`); the services work with the integer key it stands for.

    ThreadId = Annotated[int, Depends(key_of(Thread, "thread_id"))]

    @router.get("/exchange/threads/{thread_id}")
    def thread_page(thread_id: ThreadId, ...) -> ...:   # thread_id is the integer key

A public id no row has becomes the key 0, which no row has either: the service answers
it as it answers any missing row, and so exactly as a row the caller may not see.
"""

# No `from __future__ import annotations`: FastAPI reads the dependency's parameters, whose
# annotation is built from this function's arguments at run time.
from collections.abc import Callable
from typing import Annotated

from fastapi import Path
from sqlalchemy import select

from interagency.db import PUBLIC_ID_LENGTH, HasPublicId
from interagency.web.deps import UowDep

NO_ROW = 0


def key_of(model: type[HasPublicId], name: str) -> Callable[..., int]:
    """A dependency: the path parameter `name`, a public id of a `model` row, as the row's
    integer key."""
    key_column = model.__table__.c.id  # type: ignore[attr-defined]
    described = f"The public id of the {model.__name__.lower()} (26 characters, a-z and 2-7)"

    def key(
        uow: UowDep,
        value: Annotated[str, Path(alias=name, max_length=PUBLIC_ID_LENGTH, description=described)],
    ) -> int:
        found = uow.session.scalar(select(key_column).where(model.public_id == value))
        return NO_ROW if found is None else int(found)

    return key
