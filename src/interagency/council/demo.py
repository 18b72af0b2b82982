"""The council's demo: a held meeting with its 13-item agenda, minutes and decisions; an
adopted agreement and a threat assessment under review; a finished 2014–2016 programme
and a current one; an annual report compiled from contributions.

Rows are written directly, not through the services: the demo stands for work done over
years by many people. Each object is keyed by its natural key (meeting number, document
title, programme code, report body and year) and added only when missing, so a second
run adds nothing and keeps what users changed.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from interagency import audit
from interagency.council import reports
from interagency.council.models import (
    AgendaItem,
    AnnualReport,
    Decision,
    Document,
    DocumentComment,
    DocumentParty,
    DocumentPosition,
    DocumentStatus,
    DocumentVersion,
    FollowUpTask,
    Indicator,
    Measure,
    MeasureAgency,
    Meeting,
    MeetingParticipant,
    MeetingStatus,
    Programme,
    ReportContribution,
    ReportSection,
    StatusUpdate,
)
from interagency.db import UnitOfWork
from interagency.identity.models import Agency, User
from interagency.identity.principals import operator

DATA = Path(__file__).with_name("demo.json")


def _marked(row: Any, marking: dict[str, str]) -> None:
    row.handling_code = marking["handling_code"]
    row.tlp = marking["tlp"]
    row.handling_note = marking.get("handling_note")


class _Loader:
    def __init__(self, uow: UnitOfWork, data: dict[str, Any]) -> None:
        self.session = uow.session
        self.data = data
        self.agencies = {
            code: agency_id
            for agency_id, code in self.session.execute(select(Agency.id, Agency.code))
        }
        author = self.session.scalar(select(User.id).where(User.login == data["author"]))
        if author is None:
            raise RuntimeError("the demo's secretariat user is missing: load the users first")
        self.author: int = author
        # Positions bind an agency: its supervisor signs them, else its liaison officer.
        self.speakers: dict[int, int] = {}
        for role in ("liaison_officer", "supervisor"):
            for user in self.session.scalars(select(User)):
                if role in user.role_set:
                    self.speakers[user.agency_id] = user.id
        self.documents: dict[str, int] = {}

    def speaker(self, agency_id: int) -> int:
        """A user of the agency to sign its comments and positions (the author otherwise)."""
        return self.speakers.get(agency_id, self.author)

    def document(self, spec: dict[str, Any]) -> bool:
        # Titles are sealed: the demo's few documents are opened to find one loaded before.
        existing = next(
            (d for d in self.session.scalars(select(Document)) if d.title == spec["title"]), None
        )
        if existing is not None:
            self.documents[spec["key"]] = existing.id
            return False
        parties = [self.agencies[code] for code in spec["parties"]]
        document = Document(
            kind=spec["kind"],
            title=spec["title"],
            status=spec.get("status", DocumentStatus.DRAFT.value),
            created_by_id=self.author,
            parties=[DocumentParty(agency_id=a) for a in parties],
        )
        _marked(document, spec["marking"])
        for number, version in enumerate(spec["versions"], start=1):
            document.versions.append(
                DocumentVersion(
                    number=number,
                    body=version["body"],
                    note=version.get("note"),
                    created_by_id=self.author,
                )
            )
        for comment in spec.get("comments", []):
            agency_id = self.agencies[comment["agency"]]
            document.versions[comment["version"] - 1].comments.append(
                DocumentComment(
                    agency_id=agency_id, author_id=self.speaker(agency_id), body=comment["body"]
                )
            )
        latest = document.versions[-1]
        for code in spec.get("approved_by", []):
            agency_id = self.agencies[code]
            latest.positions.append(
                DocumentPosition(
                    agency_id=agency_id, stance="approve", decided_by_id=self.speaker(agency_id)
                )
            )
        for objection in spec.get("objections", []):
            agency_id = self.agencies[objection["agency"]]
            latest.positions.append(
                DocumentPosition(
                    agency_id=agency_id,
                    stance="object",
                    reason=objection["reason"],
                    decided_by_id=self.speaker(agency_id),
                )
            )
        self.session.add(document)
        self.session.flush()
        self.documents[spec["key"]] = document.id
        return True

    def meeting(self, spec: dict[str, Any]) -> bool:
        if self.session.scalar(select(Meeting.id).where(Meeting.number == spec["number"])):
            return False
        held = "minutes" in spec
        meeting = Meeting(
            number=spec["number"],
            title=spec["title"],
            held_on=date.fromisoformat(spec["held_on"]),
            place=spec["place"],
            chair=spec["chair"],
            status=(MeetingStatus.HELD if held else MeetingStatus.PLANNED).value,
            minutes=spec.get("minutes"),
            created_by_id=self.author,
            participants=[
                MeetingParticipant(agency_id=self.agencies[code], delegates=delegates)
                for code, delegates in spec["participants"].items()
            ],
        )
        _marked(meeting, spec["marking"])
        for number, (title, rapporteur, outcome, *documents) in enumerate(spec["items"], 1):
            meeting.items.append(
                AgendaItem(
                    number=number,
                    title=title,
                    rapporteur_agency_id=self.agencies[rapporteur] if rapporteur else None,
                    outcome=outcome,
                    documents=[
                        self.session.get_one(Document, self.documents[k]) for k in documents
                    ],
                )
            )
        self.session.add(meeting)
        self.session.flush()
        items = {item.number: item.id for item in meeting.items}
        for number, decision in enumerate(spec.get("decisions", []), start=1):
            meeting.decisions.append(
                Decision(
                    number=f"{meeting.number}/{number}",
                    text=decision["text"],
                    agenda_item_id=items[decision["item"]],
                    tasks=[
                        FollowUpTask(
                            agency_id=self.agencies[task["agency"]],
                            description=task["description"],
                            due_on=date.fromisoformat(task["due_on"]),
                            status=task["status"],
                            done_at=datetime(2026, 1, 30, 9, tzinfo=UTC)
                            if task["status"] == "done"
                            else None,
                        )
                        for task in decision["tasks"]
                    ],
                )
            )
        self.session.flush()
        for spec_document in self.data["documents"]:
            if spec_document.get("adopted_at") == meeting.number:
                self.adopt(spec_document["key"], meeting)
        return True

    def adopt(self, key: str, meeting: Meeting) -> None:
        document = self.session.get_one(Document, self.documents[key])
        if document.status in (DocumentStatus.ADOPTED.value, DocumentStatus.SUPERSEDED.value):
            return
        year = meeting.held_on.year
        taken = self.session.scalars(
            select(Document.register_number).where(Document.register_number.like(f"{year}/%"))
        ).all()
        document.register_number = f"{year}/{len(taken) + 1:03d}"
        document.adopted_on = meeting.held_on
        document.adopted_at_meeting_id = meeting.id
        document.status = DocumentStatus.ADOPTED.value
        self.session.flush()

    def programme(self, spec: dict[str, Any]) -> bool:
        if self.session.scalar(select(Programme.id).where(Programme.code == spec["code"])):
            return False
        programme = Programme(
            code=spec["code"],
            title=spec["title"],
            first_year=spec["first_year"],
            last_year=spec["last_year"],
            status=spec["status"],
            created_by_id=self.author,
        )
        _marked(programme, spec["marking"])
        for item in spec["measures"]:
            measure = Measure(
                number=item["number"],
                title=item["title"],
                due_on=date.fromisoformat(item["due_on"]),
                status=item["status"],
                responsible=[
                    MeasureAgency(agency_id=self.agencies[c]) for c in item["responsible"]
                ],
            )
            indicator = None
            if "indicator" in item:
                name, unit, target = item["indicator"]
                indicator = Indicator(name=name, unit=unit, target=target)
                measure.indicators.append(indicator)
            programme.measures.append(measure)
            self.session.add(programme)
            self.session.flush()
            for code, day, progress, value, text, evidence in item["updates"]:
                agency_id = self.agencies[code]
                measure.updates.append(
                    StatusUpdate(
                        agency_id=agency_id,
                        author_id=self.speaker(agency_id),
                        reported_on=date.fromisoformat(day),
                        progress=progress,
                        indicator_id=indicator.id if indicator and value is not None else None,
                        value=value if indicator else None,
                        text=text,
                        evidence=evidence,
                    )
                )
        self.session.flush()
        return True

    def report(self, spec: dict[str, Any]) -> bool:
        exists = self.session.scalar(
            select(AnnualReport.id).where(
                AnnualReport.body == spec["body"], AnnualReport.year == spec["year"]
            )
        )
        if exists:
            return False
        report = AnnualReport(
            body=spec["body"],
            year=spec["year"],
            title=spec["title"],
            created_by_id=self.author,
            sections=[
                ReportSection(number=n, heading=h) for n, h in enumerate(spec["sections"], 1)
            ],
        )
        _marked(report, spec["marking"])
        for section, code, body in spec["contributions"]:
            agency_id = self.agencies[code]
            report.sections[section - 1].contributions.append(
                ReportContribution(
                    agency_id=agency_id, author_id=self.speaker(agency_id), body=body
                )
            )
        self.session.add(report)
        self.session.flush()
        if spec.get("compile"):
            codes = {agency_id: code for code, agency_id in self.agencies.items()}
            contributors = sorted(reports.contributors(report))
            document = Document(
                kind="report",
                title=report.title,
                status=DocumentStatus.DRAFT.value,
                created_by_id=self.author,
                parties=[DocumentParty(agency_id=a) for a in contributors],
                versions=[
                    DocumentVersion(
                        number=1,
                        body=reports.compiled_text(report, codes),
                        note="Compiled from the contributions",
                        created_by_id=self.author,
                    )
                ],
            )
            _marked(document, spec["marking"])
            self.session.add(document)
            self.session.flush()
            report.document_id = document.id
            self.session.flush()
        return True


def load(uow: UnitOfWork) -> int:
    """Adds the council's demo objects that are missing; returns how many were added."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    loader = _Loader(uow, data)
    added = sum(loader.document(spec) for spec in data["documents"])
    added += sum(loader.meeting(spec) for spec in data["meetings"])
    added += sum(loader.programme(spec) for spec in data["programmes"])
    added += sum(loader.report(spec) for spec in data["reports"])
    if added:
        audit.record(
            uow,
            operator().event("council:demo:load", object_kind="council", detail={"added": added}),
        )
    return added
