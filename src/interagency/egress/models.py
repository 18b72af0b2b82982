"""Tables of the export gate: third parties, consents, exports, subscriptions, daily reads.

A third party is a body outside the council (a non-member state's service, an
international organisation) that data may go to only on a legal basis the secretariat
has entered. A consent is an owning agency's recorded yes for one destination, for one
object or for every object of one kind. An export is the gate's record of what left,
to whom and in which format; its public id is printed on every exported item.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from interagency.db import Base, HasPublicId, UTCDateTime, created_at, intpk
from interagency.markings import one_of
from interagency.vault.columns import Sealed, SealedText, platform_agency_id


class DestinationKind(StrEnum):
    READER = "reader"  # the reader's own agency, for its own use
    AGENCY = "agency"  # another member agency on the platform
    THIRD_PARTY = "third_party"  # a body outside the council


class SubscriptionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    ENDED = "ended"


class ThirdParty(Sealed, Base):
    """A destination outside the council, entered by the secretariat with its legal basis."""

    __tablename__ = "third_parties"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(200), comment="the body's official name")
    country: Mapped[str] = mapped_column(String(2), comment="ISO 3166-1 alpha-2, or XX")
    legal_basis_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    legal_basis = SealedText[str]()
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[created_at]
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def sealing_agency_id(self, session: Session) -> int:
        return platform_agency_id(session)


class Consent(HasPublicId, Base):
    """An owning agency's consent that its data may go to one third party: one object
    (`object_ref`) or, without one, every object of the kind."""

    __tablename__ = "export_consents"
    __table_args__ = (Index(None, "owner_agency_id", "third_party_id", "object_kind"),)

    id: Mapped[intpk]
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    third_party_id: Mapped[int] = mapped_column(ForeignKey("third_parties.id"))
    object_kind: Mapped[str] = mapped_column(String(32))
    object_ref: Mapped[str | None] = mapped_column(String(64), comment="a public id; none: all")
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[created_at]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Export(HasPublicId, Base):
    """What left through one door at one moment: printed on the items as their export id."""

    __tablename__ = "exports"
    __table_args__ = (
        CheckConstraint(one_of("destination", DestinationKind), name="destination_known"),
        Index(None, "reader_agency_id", "created_at"),
    )

    id: Mapped[intpk]
    door: Mapped[str] = mapped_column(String(40))
    format: Mapped[str] = mapped_column(String(16))
    reader_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reader_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    destination: Mapped[str] = mapped_column(String(16))
    target_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    third_party_id: Mapped[int | None] = mapped_column(ForeignKey("third_parties.id"))
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("export_subscriptions.id"))
    # One entry per item: kind, public ref, owner agency id, marking and expiry. No content.
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[created_at]


class Subscription(Sealed, Base):
    """Leave for one reader to read more than the daily limit of one door's objects:
    asked by one person of the reading agency, approved by a supervisor of it."""

    __tablename__ = "export_subscriptions"
    __table_args__ = (
        CheckConstraint(one_of("status", SubscriptionStatus), name="status_known"),
        CheckConstraint("daily_limit > 0", name="limit_positive"),
        Index(None, "reader_user_id", "door", "status"),
    )
    sealed_under = "agency_id"

    id: Mapped[intpk]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    reader_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    door: Mapped[str] = mapped_column(String(40))
    daily_limit: Mapped[int] = mapped_column(Integer)
    purpose_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    purpose = SealedText[str]()
    third_party_id: Mapped[int | None] = mapped_column(ForeignKey("third_parties.id"))
    valid_until: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=SubscriptionStatus.PENDING.value)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    asked_at: Mapped[created_at]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SubscriptionReach(Base):
    """Whose data a subscription has read: each such agency's DPOs see the subscription."""

    __tablename__ = "export_subscription_reach"

    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("export_subscriptions.id"), primary_key=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    first_read_at: Mapped[created_at]


class DailyReads(Base):
    """How many objects one reader has read through one bulk door on one UTC day."""

    __tablename__ = "bulk_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    door: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
