"""Joint documents: drafts in versions, member agencies' comments and positions on a
version, a readable diff, adoption at a meeting and the register of adopted documents."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlalchemy import func, select

from interagency.council import access
from interagency.council.models import (
    Document,
    DocumentComment,
    DocumentParty,
    DocumentPosition,
    DocumentStatus,
    DocumentVersion,
    Meeting,
    Stance,
)
from interagency.council.policy import Action
from interagency.council.schemas import AdoptionIn, CommentIn, DocumentIn, PositionIn, VersionIn
from interagency.db import UnitOfWork, lock_for_transaction, lock_key
from interagency.errors import Conflict, InvalidInput
from interagency.i18n import lazy
from interagency.identity.principals import Caller
from interagency.vault.columns import matching, platform_agency_id

KIND = "council-document"
OPEN_STATUSES = (DocumentStatus.DRAFT.value, DocumentStatus.UNDER_REVIEW.value)
REGISTERED = (DocumentStatus.ADOPTED.value, DocumentStatus.SUPERSEDED.value)


def parties(document: Document) -> set[int]:
    return {party.agency_id for party in document.parties}


def latest(document: Document) -> DocumentVersion:
    return document.versions[-1]


def _find(uow: UnitOfWork, document_id: int) -> Document:
    document = uow.session.get(Document, document_id)
    if document is None:
        raise access.missing(KIND)
    return document


def _gate(uow: UnitOfWork, caller: Caller, action: Action, document_id: int) -> Document:
    document = _find(uow, document_id)
    access.require(caller, action, KIND, document.id, document, parties(document))
    return document


def _open(document: Document) -> None:
    if document.status not in OPEN_STATUSES:
        raise Conflict(lazy("The document is adopted: it changes only by a new document."))


def create_document(uow: UnitOfWork, caller: Caller, data: DocumentIn) -> Document:
    principal = access.require(caller, Action.MANAGE, KIND, None)
    agencies = access.member_agencies(uow, data.parties)
    document = Document(
        kind=data.kind.value,
        title=data.title.strip(),
        status=DocumentStatus.DRAFT.value,
        created_by_id=principal.user_id,
        parties=[DocumentParty(agency_id=agency.id) for agency in agencies],
        versions=[DocumentVersion(number=1, body=data.body, created_by_id=principal.user_id)],
    )
    access.apply_marking(document, data.marking)
    uow.session.add(document)
    uow.session.flush()
    access.record(uow, caller, "council:document:create", KIND, document.id)
    return document


def add_version(uow: UnitOfWork, caller: Caller, document_id: int, data: VersionIn) -> Document:
    """A new version; positions were taken on the previous one, so they are asked again."""
    document = _gate(uow, caller, Action.MANAGE, document_id)
    _open(document)
    principal = caller.principal
    assert principal is not None  # (required above)
    if data.body == latest(document).body:
        raise InvalidInput(lazy("The text is the same as the current version."), for_field="body")
    version = DocumentVersion(
        number=latest(document).number + 1,
        body=data.body,
        note=(data.note or "").strip() or None,
        created_by_id=principal.user_id,
    )
    document.versions.append(version)
    uow.session.flush()
    access.record(
        uow, caller, "council:document:version", KIND, document.id, {"version": version.number}
    )
    return document


def submit_for_review(uow: UnitOfWork, caller: Caller, document_id: int) -> Document:
    document = _gate(uow, caller, Action.MANAGE, document_id)
    if document.status != DocumentStatus.DRAFT.value:
        raise Conflict(lazy("Only a draft can be sent for review."))
    document.status = DocumentStatus.UNDER_REVIEW.value
    uow.session.flush()
    access.record(uow, caller, "council:document:review", KIND, document.id)
    return document


def list_documents(uow: UnitOfWork, caller: Caller) -> list[Document]:
    principal = access.require(caller, Action.VIEW, KIND, None)
    rows = uow.session.scalars(select(Document).order_by(Document.id.desc())).all()
    shown = [d for d in rows if access.visible(principal, d, parties(d))]
    access.record(uow, caller, "council:document:list", KIND, None, {"ids": [d.id for d in shown]})
    return shown


def get_document(uow: UnitOfWork, caller: Caller, document_id: int) -> Document:
    document = _gate(uow, caller, Action.VIEW, document_id)
    access.record(uow, caller, "council:document:read", KIND, document.id)
    return document


def comment(
    uow: UnitOfWork, caller: Caller, document_id: int, version_number: int, data: CommentIn
) -> DocumentComment:
    document = _gate(uow, caller, Action.COMMENT, document_id)
    _open(document)
    principal = caller.principal
    assert principal is not None
    version = next((v for v in document.versions if v.number == version_number), None)
    if version is None:
        raise InvalidInput(lazy("The document has no version {number}."), number=version_number)
    row = DocumentComment(
        agency_id=principal.agency_id, author_id=principal.user_id, body=data.body.strip()
    )
    version.comments.append(row)
    uow.session.flush()
    access.record(
        uow, caller, "council:document:comment", KIND, document.id, {"version": version_number}
    )
    return row


def take_position(
    uow: UnitOfWork, caller: Caller, document_id: int, data: PositionIn
) -> DocumentPosition:
    """The agency's approval of the current version, or its objection; it may change its
    mind until adoption (the last position counts and the change is audited)."""
    document = _gate(uow, caller, Action.TAKE_POSITION, document_id)
    if document.status != DocumentStatus.UNDER_REVIEW.value:
        raise Conflict(lazy("Positions are taken while the document is under review."))
    principal = caller.principal
    assert principal is not None
    version = latest(document)
    row = next((p for p in version.positions if p.agency_id == principal.agency_id), None)
    if row is None:
        row = DocumentPosition(agency_id=principal.agency_id, decided_by_id=principal.user_id)
        version.positions.append(row)
    row.stance = data.stance.value
    row.reason = data.reason
    row.decided_by_id = principal.user_id
    uow.session.flush()
    access.record(
        uow,
        caller,
        "council:document:position",
        KIND,
        document.id,
        {"version": version.number, "stance": data.stance.value},
    )
    return row


def missing_approvals(document: Document) -> set[int]:
    """Parties that have not approved the current version (objecting or silent)."""
    approved = {p.agency_id for p in latest(document).positions if p.stance == Stance.APPROVE.value}
    return parties(document) - approved


def adopt(uow: UnitOfWork, caller: Caller, document_id: int, data: AdoptionIn) -> Document:
    """Adoption by the council at a meeting, once every party approved the current version.

    The document takes the next register number of the meeting's year; a document it
    supersedes is marked so and points to it.
    """
    document = _gate(uow, caller, Action.ADOPT, document_id)
    if document.status != DocumentStatus.UNDER_REVIEW.value:
        raise Conflict(lazy("Only a document under review can be adopted."))
    missing = missing_approvals(document)
    if missing:
        names = access.codes(uow)
        raise Conflict(
            lazy("Not every party has approved the current version: {agencies}."),
            agencies=", ".join(sorted(names[a] for a in missing)),
        )
    meeting = uow.session.scalar(select(Meeting).where(Meeting.public_id == data.meeting_id))
    if meeting is None:
        raise InvalidInput(
            lazy("There is no meeting {ref}."), ref=data.meeting_id, for_field="meeting_id"
        )
    superseded = None
    if data.supersedes_id is not None:
        superseded = uow.session.scalar(
            select(Document).where(Document.public_id == data.supersedes_id)
        )
        if superseded is None or superseded.status != DocumentStatus.ADOPTED.value:
            raise InvalidInput(
                lazy("Only an adopted document can be superseded."), for_field="supersedes_id"
            )
    year = meeting.held_on.year
    # Numbers are counted: two adoptions in one year at once take turns, or both would
    # count the same and the second would fail on the unique number.
    lock_for_transaction(uow.session, lock_key(f"council:register:{year}"))
    count = uow.session.scalar(
        select(func.count()).select_from(Document).where(Document.register_number.like(f"{year}/%"))
    )
    document.register_number = f"{year}/{(count or 0) + 1:03d}"
    document.adopted_on = meeting.held_on
    document.adopted_at_meeting_id = meeting.id
    document.status = DocumentStatus.ADOPTED.value
    uow.session.flush()
    if superseded is not None:
        superseded.status = DocumentStatus.SUPERSEDED.value
        superseded.superseded_by_id = document.id
        uow.session.flush()
    access.record(
        uow,
        caller,
        "council:document:adopt",
        KIND,
        document.id,
        {"meeting": meeting.number, "register_number": document.register_number},
    )
    return document


def register(uow: UnitOfWork, caller: Caller, query: str = "") -> list[Document]:
    """Adopted and superseded documents the caller may see, newest first, that match every
    word of `query`: in the register number or a party's code (as written), or in the
    title (through the blind index, so any form of the word: the titles are sealed).
    """
    principal = access.require(caller, Action.VIEW, KIND, None)
    rows = uow.session.scalars(
        select(Document)
        .where(Document.status.in_(REGISTERED))
        .order_by(Document.adopted_on.desc(), Document.id.desc())
    ).all()
    codes = access.codes(uow)
    words = [word.casefold() for word in query.split()]
    in_titles = {word: _titles_with(uow, word) for word in words}
    shown = []
    for document in rows:
        if not access.visible(principal, document, parties(document)):
            continue
        plain = " ".join(
            [document.register_number or ""] + [codes[p] for p in parties(document)]
        ).casefold()
        if all(_has(word, plain, in_titles[word], document.public_id) for word in words):
            shown.append(document)
    access.record(
        uow,
        caller,
        "council:register:search",
        KIND,
        None,
        {"query": query, "ids": [d.id for d in shown]},
    )
    return shown


def _titles_with(uow: UnitOfWork, word: str) -> set[str] | None:
    source = f"{Document.__tablename__}.title"
    return matching(uow.session, source, platform_agency_id(uow.session), word)


def _has(word: str, plain: str, titled: set[str] | None, public_id: str) -> bool:
    # A function word matches only where it is written plainly (it has no index term).
    return word in plain or (titled is not None and public_id in titled)


def register_number_of(uow: UnitOfWork, document_id: int | None) -> str | None:
    if document_id is None:
        return None
    return uow.session.scalar(select(Document.register_number).where(Document.id == document_id))


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed" or "gap" (unchanged lines left out)
    old_number: int | None
    new_number: int | None
    text: str


def diff_lines(old: str, new: str, context: int = 2) -> list[DiffLine]:
    """Line by line, with a little unchanged context around each change."""
    before, after = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    lines: list[DiffLine] = []
    for number, group in enumerate(matcher.get_grouped_opcodes(context)):
        if number:
            lines.append(DiffLine("gap", None, None, "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [
                    DiffLine("same", i + 1, j + 1, before[i])
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                ]
                continue
            lines += [DiffLine("removed", i + 1, None, before[i]) for i in range(i1, i2)]
            lines += [DiffLine("added", None, j + 1, after[j]) for j in range(j1, j2)]
    return lines


def diff(
    uow: UnitOfWork, caller: Caller, document_id: int, old: int, new: int
) -> tuple[Document, list[DiffLine]]:
    document = get_document(uow, caller, document_id)
    versions = {v.number: v for v in document.versions}
    if old not in versions or new not in versions:
        raise InvalidInput(lazy("Choose two versions the document has."))
    return document, diff_lines(versions[old].body, versions[new].body)
