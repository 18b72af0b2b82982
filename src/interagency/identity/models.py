"""Typed models of the identity feature: the council's tenancy, its users and their sign-ins."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, validates

from interagency.db import Base, HasPublicId, created_at, intpk
from interagency.outbox.addresses import normalise_address
from interagency.vault.columns import Sealed, SealedText


class Role(StrEnum):
    LIAISON_OFFICER = "liaison_officer"
    ANALYST = "analyst"
    SUPERVISOR = "supervisor"
    SECRETARIAT = "secretariat"
    NEUTRALITY_REVIEWER = "neutrality_reviewer"
    DATA_PROTECTION_OFFICER = "dpo"
    AUDITOR = "auditor"
    ADMINISTRATOR = "administrator"


class AgencyKind(StrEnum):
    """A member state's agency, or one of the council's own bodies (which belong to no state)."""

    MEMBER_AGENCY = "member_agency"
    SECRETARIAT = "secretariat"
    # The independent review board (after INTERPOL's Commission for the Control of Files):
    # neither an agency nor part of the secretariat, so its reviewers answer to no one
    # whose data they review.
    REVIEW_BOARD = "review_board"


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


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


class Agency(Base):
    __tablename__ = "agencies"
    __table_args__ = (
        CheckConstraint(_in("kind", AgencyKind), name="kind_known"),
        # Member agencies belong to a state; the council's bodies to none.
        CheckConstraint(
            "(kind = 'member_agency') = (member_state_id IS NOT NULL)", name="state_iff_member"
        ),
    )

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    member_state_id: Mapped[int | None] = mapped_column(ForeignKey("member_states.id"))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[created_at]

    member_state: Mapped[MemberState | None] = relationship(lazy="joined")
    desks: Mapped[list[Desk]] = relationship(back_populates="agency", order_by="Desk.code")


class Desk(Base):
    """A functional desk that other agencies can address (counter-terrorism, borders, ...)."""

    __tablename__ = "desks"
    __table_args__ = (UniqueConstraint("agency_id", "code"),)

    id: Mapped[intpk]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    code: Mapped[str] = mapped_column(String(32))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))

    agency: Mapped[Agency] = relationship(back_populates="desks")


class AccountKind(StrEnum):
    PERSON = "person"
    # A system (a border service, a partner's client): no password, no sessions, only
    # tokens that a supervisor of its agency approved for a named purpose.
    SERVICE = "service"


# A refused account request keeps its row (its login is never given to anyone else, so the
# audit trail never names two people with one login) but frees its personnel number.
_HOLDS_PERSONNEL_NUMBER = "NOT pending OR disabled_at IS NULL"


class User(HasPublicId, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_in("kind", AccountKind), name="kind_known"),
        CheckConstraint(
            "kind = 'person' OR (password_hash IS NULL AND personnel_number IS NULL)",
            name="service_has_no_password",
        ),
        # A system is never addressed by name: only people are listed in the directory.
        CheckConstraint("kind = 'person' OR NOT listed_in_directory", name="service_not_listed"),
        # One person, one account per agency.
        Index(
            "uq_users_agency_personnel_number",
            "agency_id",
            "personnel_number",
            unique=True,
            sqlite_where=text(_HOLDS_PERSONNEL_NUMBER),
            postgresql_where=text(_HOLDS_PERSONNEL_NUMBER),
        ),
    )

    id: Mapped[intpk]
    login: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    kind: Mapped[str] = mapped_column(String(16), default=AccountKind.PERSON.value)
    # The agency's own number for the person; none for service accounts (and for accounts
    # made before numbers were recorded).
    personnel_number: Mapped[str | None] = mapped_column(
        String(32), comment="the agency's personnel number of the person"
    )
    # Asked for and not yet approved by the owning agency: no password, roles or desks.
    pending: Mapped[bool] = mapped_column(default=False)
    # Set by the user's own agency: other agencies see the login and name in the directory
    # and may address the user by name. It exposes a name and grants no access; a disabled
    # account keeps it but is never offered nor addressed.
    listed_in_directory: Mapped[bool] = mapped_column(default=False)
    # None until the user sets it through an enrolment link, and always for a service.
    password_hash: Mapped[str | None] = mapped_column(String(200), comment="argon2id")
    # The TOTP secret is encrypted with a key kept outside the database (see totp.py).
    totp_secret: Mapped[str | None] = mapped_column(String(200), comment="AES-GCM, base64")
    totp_pending: Mapped[str | None] = mapped_column(String(200), comment="AES-GCM, base64")
    # The last time step whose code was accepted: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # Set for a password somebody else chose (accounts made before enrolment links): the
    # user must choose their own before anything else.
    password_must_change: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[created_at]
    disabled_at: Mapped[datetime | None]
    # Where notifications are e-mailed (a reference and a marking, never content); none
    # when unset.
    email: Mapped[str | None] = mapped_column(
        String(254), comment="e-mail address for notifications"
    )

    agency: Mapped[Agency] = relationship(lazy="joined")
    roles: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )
    desks: Mapped[list[Desk]] = relationship(secondary="user_desks", lazy="selectin")

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.roles)

    @property
    def is_service(self) -> bool:
        return self.kind == AccountKind.SERVICE.value

    @property
    def refused(self) -> bool:
        return self.pending and self.disabled_at is not None

    @validates("email")
    def _valid_email(self, _key: str, value: str | None) -> str | None:
        # Every way in (services, loaders, tests) gets the same check; blank means none.
        if value is None or not value.strip():
            return None
        return normalise_address(value)


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (CheckConstraint(_in("role", Role), name="role_known"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class UserDesk(Base):
    __tablename__ = "user_desks"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    desk_id: Mapped[int] = mapped_column(ForeignKey("desks.id"), primary_key=True)


class SessionStage(StrEnum):
    PASSWORD = "password"  # noqa: S105  (a stage: the password was right, the code is due)
    COMPLETE = "complete"


class AuthSession(Base):
    """A browser session. Only the SHA-256 of its id is stored: a dump opens no session."""

    __tablename__ = "auth_sessions"
    __table_args__ = (CheckConstraint(_in("stage", SessionStage), name="stage_known"),)

    id: Mapped[intpk]
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[created_at]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(String(32))
    client_address: Mapped[str | None] = mapped_column(String(64))


class ApiToken(HasPublicId, Base):
    """A machine client's bearer token, bound to a user; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so a user can tell tokens apart without the secret.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[created_at]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    # A service account's token names the request that a supervisor approved.
    approval_id: Mapped[int | None] = mapped_column(ForeignKey("approval_requests.id"))


class LoginThrottle(Base):
    """Failed sign-ins per account and per client address, for back-off (never a lock-out).

    Keys are hashed: a table of attempted logins would itself be personal data.
    """

    __tablename__ = "login_throttles"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime]
    blocked_until: Mapped[datetime | None]


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    # Asked under rules that no longer hold (kept for the record, never carried out).
    WITHDRAWN = "withdrawn"


class ApprovalRequest(Sealed, Base):
    """A change to an account, asked for by one user (or the operator) and approved or
    refused by a supervisor of the agency that owns the account."""

    __tablename__ = "approval_requests"
    sealed_under = "agency_id"
    __table_args__ = (
        CheckConstraint(_in("status", ApprovalStatus), name="status_known"),
        CheckConstraint(
            "decided_by_id IS NULL OR decided_by_id <> requested_by_id", name="four_eyes"
        ),
    )

    id: Mapped[intpk]
    action: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default=ApprovalStatus.PENDING.value)
    # None: the operator at the server's command line (named in the audit entry).
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The agency whose account changes: its supervisors decide, its DPO is told.
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # SHA-256 of the change and the account as they were asked for: an approval carries
    # out exactly what the approver saw, or nothing.
    digest: Mapped[str] = mapped_column(String(64))
    reason_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    reason = SealedText[str]()
    created_at: Mapped[created_at]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    decision_note = SealedText[str | None]()


class EnrolmentLink(Base):
    """A single-use link through which a user sets their password and second factor.

    Only its SHA-256 is stored; it is bound to the account and to the approved request
    that made it, and expires (72 hours by default)."""

    __tablename__ = "enrolment_links"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    approval_id: Mapped[int] = mapped_column(ForeignKey("approval_requests.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[created_at]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class BreakGlassAccess(Sealed, Base):
    """Access to a protected object outside the normal rules: reasoned, timed, reviewed."""

    __tablename__ = "break_glass_accesses"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    object_kind: Mapped[str] = mapped_column(String(32))
    object_ref: Mapped[str] = mapped_column(String(64))
    reason_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    reason = SealedText[str]()
    opened_at: Mapped[created_at]
    expires_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_note_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    review_note = SealedText[str | None]()

    agencies: Mapped[list[Agency]] = relationship(secondary="break_glass_agencies", lazy="selectin")

    def sealing_agency_id(self, session: Session) -> int:
        return user_agency_id(session, self.user_id)


class BreakGlassAgency(Base):
    """The agencies concerned by a break-glass access: their DPOs are alerted and review it."""

    __tablename__ = "break_glass_agencies"

    break_glass_id: Mapped[int] = mapped_column(
        ForeignKey("break_glass_accesses.id"), primary_key=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)


class Notification(Base):
    """An in-app notice to one user. It names what happened, never protected content."""

    __tablename__ = "notifications"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[created_at]
    read_at: Mapped[datetime | None]


def user_agency_id(session: Session, user_id: int) -> int:
    """The agency of a user: what a row written by that user alone is sealed under."""
    user = session.get(User, user_id)
    if user is None:
        raise RuntimeError(f"no user {user_id} to seal under")
    return user.agency_id
