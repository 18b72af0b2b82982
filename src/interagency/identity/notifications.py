"""In-app notices: what happened and where to look, never the protected content itself."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, insert, select, update

from interagency.db import UnitOfWork, utcnow
from interagency.identity.models import Notification, Role, User, UserRole


def notify(
    uow: UnitOfWork, user_ids: Iterable[int], kind: str, params: dict[str, Any], link: str | None
) -> int:
    rows = [
        {"user_id": user_id, "kind": kind, "params": params, "link": link, "created_at": utcnow()}
        for user_id in sorted(set(user_ids))
    ]
    if rows:
        uow.write(insert(Notification), rows)
    return len(rows)


def holders_of(uow: UnitOfWork, role: Role, agency_ids: Iterable[int]) -> list[int]:
    """Enabled users of these agencies who hold the role."""
    return list(
        uow.session.scalars(
            select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                UserRole.role == role.value,
                User.agency_id.in_(list(agency_ids)),
                User.disabled_at.is_(None),
            )
        )
    )


def unread_count(uow: UnitOfWork, user_id: int) -> int:
    return int(
        uow.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def recent(uow: UnitOfWork, user_id: int, limit: int = 50) -> list[Notification]:
    return list(
        uow.session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_all_read(uow: UnitOfWork, user_id: int) -> None:
    uow.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
