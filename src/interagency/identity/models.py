"""Typed models of the identity feature."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from interagency.db import Base, created_at, intpk


class MemberState(Base):
    """A member state of the council; its agencies, desks and users hang below it."""

    __tablename__ = "member_states"
    __table_args__ = (
        CheckConstraint("length(iso_alpha2) = 2", name="iso_alpha2_length"),
        CheckConstraint("length(iso_alpha3) = 3", name="iso_alpha3_length"),
    )

    id: Mapped[intpk]
    iso_alpha2: Mapped[str] = mapped_column(String(2), unique=True)
    iso_alpha3: Mapped[str] = mapped_column(String(3), unique=True)
    name_ru: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    # The capital's IANA zone: deadlines addressed to this state end in its local time.
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime | None]
