"""Hidden is missing, on every route: an object the caller may not see is answered exactly
as one that does not exist (status, body, headers), on pages and in the API.

The observer is an officer (liaison officer, supervisor and DPO at once) of an agency
admitted to the test council after everything else: nothing that RU-SVC, KZ-SVC and the
secretariat keep among themselves concerns it. The test walks every route that takes an
object identifier and asks for a hidden object and for a missing one. A route whose
identifier the test cannot fill fails it: a new route is covered, or explicitly exempt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pyotp
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from interagency.bootstrap import Container
from interagency.council import documents, meetings, programmes, reports
from interagency.council.schemas import (
    DecisionIn,
    DocumentIn,
    Marking,
    MeasureIn,
    MeetingIn,
    ParticipantIn,
    ProgrammeIn,
    ReportIn,
    TaskIn,
)
from interagency.db import new_public_id
from interagency.egress import services as egress
from interagency.egress.schemas import ConsentIn, SubscriptionIn, ThirdPartyIn
from interagency.events import accreditation as event_accreditation
from interagency.events import dossier as event_dossier
from interagency.events import lessons as event_lessons
from interagency.events import operations as event_operations
from interagency.events import planning as event_planning
from interagency.events import register as event_register
from interagency.events import schemas as event_schemas
from interagency.events.accreditation_models import Applicant
from interagency.exchange import prepared
from interagency.exchange.models import Thread
from interagency.exchange.web_context import exchange_context
from interagency.identity import approvals, breakglass, tokens
from interagency.identity.models import Agency, AgencyKind, ApiToken, Desk, Role, User, UserRole
from interagency.identity.policy import Change
from interagency.jobs import Job
from interagency.movements import crossings, manifests, profiles
from interagency.records import protection, services, uploads
from interagency.records.particulars import PersonParticulars
from interagency.web.app import ROUTERS
from tests.integration.movements.conftest import crossing_in, profile_in
from tests.integration.records.conftest import RASHAD_LATIN, RASHAD_RU, person
from tests.support.identity import Council, api_token, csrf_token, password_hash, sign_in
from tests.support.ids import public_of
from tests.support.uploads import accept as accept_upload

OBSERVER = "zz_officer"
RED = Marking.model_validate({"tlp": "RED"})
# A document between the secretariat and RU-SVC alone.
RED_AGREEMENT = DocumentIn(
    kind="agreement", title="Закрытое соглашение", parties=["RU-SVC"], body="Текст", marking=RED
)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

# Path parameters that name no object, with the value both requests use.
NOT_IDENTIFIERS = {
    "fmt": "pdf",
    "what": "minutes",
    "number": "913",
    "step": "approve",
    "action": "flag",
}
# Routes that may tell an existing object from a missing one, and why.
EXEMPT_ROUTES = {
    ("POST", "/users/{user_id}/break-glass"): "break-glass is the way past the rule, on purpose:"
    " it opens on an existing account only, alerts the DPOs and is reviewed",
}
# Identifiers whose routes have nothing to hide, and why.
EXEMPT = {
    "code": "member states are the council's public directory",
    "secret": "an enrolment link's secret is 256 random bits: a wrong one is missing",
    "template_id": "the council's planning templates are read by every member agency",
}


def accept_manifest(container: Container, uow: Any, caller: Any) -> Any:
    header = "surname,document_number,document_country,occurred_at,crossing_point,direction\n"
    row = "TESTOV,N0000001,KAZ,2026-12-01T08:00+05:00,Nur Zholy,exit\n"
    stored = container.file_store.receive_bytes(
        uow, (header + row).encode(), agency_id=caller.principal.agency_id, filename="day.csv"
    )
    return manifests.accept(uow, caller, container.file_store, "day.csv", stored)


@dataclass
class Hidden:
    """Ids of objects the observer may not see, by the kind of object a route names."""

    values: dict[str, str]

    def pair(self, path: str, param: str) -> tuple[str, str]:
        key = _KIND_OF_REQUEST.get((path.split("/{")[0], param), param)
        hidden = self.values[key]
        if key == "reference":
            return hidden, "HIT-" + "0" * (len(hidden) - 4)
        if key == "login":
            return hidden, "nobody-here"
        return hidden, new_public_id()


# Routes whose `request_id` means different objects.
_KIND_OF_REQUEST = {
    ("/approvals", "request_id"): "approval_id",
    ("/api/v1/exchange/disseminations", "request_id"): "dissemination_id",
    ("/exchange/dissemination", "request_id"): "dissemination_id",
    ("/api/v1/records/access-requests", "request_id"): "access_request_id",
    ("/records/dpo/access-requests", "request_id"): "access_request_id",
    ("/events", "task_id"): "event_task_id",
    ("/events", "measure_id"): "event_measure_id",
}


def _admit_observer(container: Container, council: Council) -> None:
    with container.uow() as uow:
        state = uow.session.scalar(select(Agency.member_state_id).where(Agency.code == "KZ-SVC"))
        agency = Agency(
            code="ZZ-SVC", kind=AgencyKind.MEMBER_AGENCY.value, member_state_id=state,
            name_ru="ZZ", name_en="ZZ",
        )  # fmt: skip
        uow.session.add(agency)
        uow.session.flush()
        desk = Desk(agency_id=agency.id, code="CT", name_ru="CT", name_en="CT")
        user = User(
            login=OBSERVER, full_name="Observer", agency_id=agency.id,
            personnel_number="ZZ-1", password_hash=password_hash(),
        )  # fmt: skip
        user.roles = [
            UserRole(role=role.value)
            for role in (Role.LIAISON_OFFICER, Role.SUPERVISOR, Role.DATA_PROTECTION_OFFICER)
        ]
        user.desks = [desk]
        uow.session.add_all([desk, user])
        uow.session.flush()
        from interagency.identity import totp

        council.secrets[OBSERVER] = pyotp.random_base32()
        user.totp_secret = totp.seal(container.settings.key_dir, council.secrets[OBSERVER], user.id)
        council.users[OBSERVER] = user.id
        council.agencies["ZZ-SVC"] = agency.id
        uow.commit()


def _auth(container: Container, council: Council, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(container, council, login)}"}


def _exchange(client: TestClient, container: Container, council: Council) -> dict[str, str]:
    ru = _auth(container, council, "ru_liaison")
    sent = client.post(
        "/api/v1/exchange/threads",
        json={
            "subject": "Между RU и KZ", "body": "Только для двоих", "kind": "request",
            "deadline": (date.today() + timedelta(days=3)).isoformat(),
            "recipients": [{"agency": "KZ-SVC"}], "tlp": "AMBER", "handling_code": "H2",
        },
        headers=ru,
    )  # fmt: skip
    assert sent.status_code == 201, sent.text
    thread = sent.json()
    message = thread["messages"][0]["id"]
    added = client.post(
        f"/api/v1/exchange/threads/{thread['id']}/messages/{message}/attachments",
        params={"filename": "схема.pdf"}, content=PDF, headers=ru,
    )  # fmt: skip
    assert added.status_code == 201, added.text
    asked = client.post(
        f"/api/v1/exchange/threads/{thread['id']}/disseminations",
        json={"purpose": "recipient", "agency": "TEST-SEC", "reason": "Нужна помощь секретариата"},
        headers=_auth(container, council, "kz_liaison"),
    )
    assert asked.status_code == 201, asked.text
    return {
        "thread_id": thread["id"],
        "message_id": message,
        "attachment_id": added.json()["id"],
        "dissemination_id": asked.json()["id"],
    }


def _records(container: Container, council: Council) -> dict[str, str]:
    ctx = services.Context(vault=container.vault)
    with container.uow() as uow:
        ru = council.caller(uow, "ru_liaison")
        record = services.create(uow, ru, ctx, person(RASHAD_RU))
        services.create(uow, council.caller(uow, "kz_liaison"), ctx, person(RASHAD_LATIN))
        requested = protection.open_access_request(
            uow, council.caller(uow, "ru_dpo"), container.vault,
            PersonParticulars(surname="Гусейнов", given_name="Рашад"), date.today(),
        )  # fmt: skip
        csv = "surname,given_name,subject_category,purpose,legal_basis\n"
        csv += "Петров,Пётр,suspect,Проверка,Соглашение ст. 5\n"
        upload = accept_upload(container, uow, ru, csv.encode(), name="rows.csv")
        uow.commit()
    with container.uow() as uow:
        from interagency.records.models import Hit

        reference = uow.session.scalar(select(Hit.reference))
        assert reference is not None, "the two records should have made a hit"
    return {
        "record_id": record.record.public_id,
        "reference": reference,
        "access_request_id": requested.id,
        "upload_id": upload.public_id,
    }


def _movements(container: Container, council: Council) -> dict[str, str]:
    """KZ-SVC's crossing that hit RU-SVC's fighter profile, and KZ-SVC's day's manifest."""
    ctx = services.Context(vault=container.vault)
    with container.uow() as uow:
        ru = council.caller(uow, "ru_liaison")
        record = services.create(uow, ru, ctx, person(RASHAD_RU, purpose="Профиль боевика"))
        profiles.keep(uow, ru, container.vault, record.record.id, profile_in())
        kz = council.caller(uow, "kz_liaison")
        crossing = crossings.submit(uow, kz, container.vault, crossing_in())
        manifest = accept_manifest(container, uow, kz)
        uow.commit()
    assert crossing.hits, "the crossing should have hit the profile"
    return {"crossing_id": crossing.reference, "manifest_id": manifest.public_id}


def _council(container: Container, council: Council) -> dict[str, str]:
    """The secretariat's RED work with RU-SVC alone."""
    with container.uow() as uow:
        sec = council.caller(uow, "sec_officer")
        meeting = meetings.create_meeting(
            uow, sec,
            MeetingIn(
                number=90, title="Закрытое заседание", held_on=date(2026, 3, 14), place="Москва",
                chair="Председатель", participants=[ParticipantIn(agency="RU-SVC", delegates="")],
                marking=RED,
            ),
        )  # fmt: skip
        decision = meetings.add_decision(uow, sec, meeting.id, DecisionIn(text="Решение"))
        task = meetings.add_task(
            uow, sec, decision.id,
            TaskIn(agency="RU-SVC", description="Доложить", due_on=date(2026, 6, 1)),
        )  # fmt: skip
        document = documents.create_document(uow, sec, RED_AGREEMENT)
        programme = programmes.create_programme(
            uow, sec,
            ProgrammeIn(code="P-RED", title="Закрытая программа", first_year=2026,
                        last_year=2027, marking=RED),
        )  # fmt: skip
        measure = programmes.add_measure(
            uow, sec, programme.id,
            MeasureIn(number="1", title="Мера", due_on=date(2027, 1, 1), responsible=["RU-SVC"]),
        )  # fmt: skip
        report = reports.create_report(
            uow, sec,
            ReportIn(body="Закрытый орган", year=2026, title="Отчёт", sections=["Итоги"],
                     marking=RED),
        )  # fmt: skip
        uow.commit()
    return {
        "meeting_id": meeting.public_id,
        "decision_id": decision.public_id,
        "task_id": task.public_id,
        "document_id": document.public_id,
        "programme_id": programme.public_id,
        "measure_id": measure.public_id,
        "report_id": report.public_id,
    }


def _events(container: Container, council: Council) -> dict[str, str]:
    """An event RU-SVC hosts with KZ-SVC taking part: its roster, plan and register, and a
    lesson shared with KZ-SVC alone."""
    start = date.today() + timedelta(days=30)
    with container.uow() as uow:
        ru = council.caller(uow, "ru_liaison")
        event = event_dossier.create_event(
            uow, ru,
            event_schemas.EventIn(kind="summit", title="Закрытый саммит", starts_on=start,
                                  ends_on=start),
        )  # fmt: skip
        event_dossier.add_participant(
            uow, ru, event.id, event_schemas.DelegationIn(agency="KZ-SVC")
        )
        venue = event_dossier.add_venue(
            uow, ru, event.id,
            event_schemas.VenueIn(name="Зал", address="Москва", latitude=55.7, longitude=37.6),
        )  # fmt: skip
        moment = datetime.combine(start, datetime.min.time(), tzinfo=UTC)
        shift = event_dossier.add_shift(
            uow, ru, event.id,
            event_schemas.ShiftIn(agency="KZ-SVC", officer="Дежурный", contact="+7 700",
                                  starts_at=moment, ends_at=moment + timedelta(hours=12)),
        )  # fmt: skip
        risk = event_register.add_risk(
            uow, ru, event.id,
            event_schemas.RiskIn(category="arson", scenario="Поджог", likelihood=2, impact=3,
                                 treatment="reduce", owner="RU-SVC"),
        )  # fmt: skip
        measure = event_register.add_measure(
            uow, ru, event.id, risk.id, event_schemas.MeasureIn(title="Пожарный пост")
        )
        phase = event_planning.add_phase(uow, ru, event.id, event_schemas.PhaseIn(name="Фаза"))
        task = event_planning.add_task(
            uow, ru, event.id,
            event_schemas.TaskIn(phase=phase.public_id, title="Задача", owner="RU-SVC",
                                 due_on=start),
        )  # fmt: skip
        incident = event_operations.log_incident(
            uow, ru, event.id,
            event_schemas.IncidentIn(occurred_at=datetime.now(UTC), venue=venue.public_id,
                                     category="medical", severity=2, description="Вызов"),
        )  # fmt: skip
        lesson = event_lessons.write_lesson(
            uow, ru, event.id,
            event_schemas.LessonIn(title="Урок", text="Текст", shared_with_all=False,
                                   agencies=["KZ-SVC"]),
        )  # fmt: skip
        event_accreditation.set_terms(uow, ru, event.id, 5, ["terrorism"])
        batch = event_accreditation.upload(
            uow, ru, event.id,
            [{"surname": "Петров", "given_name": "Пётр", "birth_date": "01.01.1990",
              "document_number": "4500000001", "role": "staff", "employer": "Арена"}],
        )  # fmt: skip
        applicant = uow.session.scalar(
            select(Applicant.public_id).where(Applicant.batch_id == batch.id)
        )
        uow.commit()
    return {
        "batch_id": batch.public_id,
        "applicant_id": applicant or "",
        "event_id": event.public_id,
        "venue_id": venue.public_id,
        "shift_id": shift.public_id,
        "risk_id": risk.public_id,
        "event_measure_id": measure.public_id,
        "event_task_id": task.public_id,
        "incident_id": incident.public_id,
        "lesson_id": lesson.public_id,
    }


def _identity(container: Container, council: Council) -> dict[str, str]:
    with container.uow() as uow:
        analyst = uow.session.get(User, council.users["ru_analyst"])
        liaison = uow.session.get(User, council.users["ru_liaison"])
        assert analyst is not None
        assert liaison is not None
        asked = approvals.ask(
            uow, council.caller(uow, "ru_admin"), Change.ROLE, analyst,
            {"role": Role.LIAISON_OFFICER.value}, "Переводится на дежурство",
        )  # fmt: skip
        access = breakglass.open_access(
            uow, council.caller(uow, "ru_supervisor"), "user",
            public_of(container, User, council.users["kz_dpo"]),
            "Проверка после жалобы гражданина", 30,
        )  # fmt: skip
        tokens.issue(uow, liaison, "интеграция", 1)
        uow.commit()
    with container.uow() as uow:
        token = uow.session.scalar(select(ApiToken.public_id).order_by(ApiToken.id.desc()).limit(1))
    assert token is not None
    return {
        "approval_id": asked.public_id,
        "access_id": access.public_id,
        "token_id": token,
        "user_id": public_of(container, User, council.users["ru_analyst"]),
        "login": "ru_analyst",
    }


def _egress(container: Container, council: Council) -> dict[str, str]:
    """A third party, RU-SVC's consent to it, and a subscription for a reader of RU-SVC."""
    with container.uow() as uow:
        party = egress.register_third_party(
            uow, council.caller(uow, "sec_officer"),
            ThirdPartyIn(name="INTERPOL General Secretariat", country="FR", legal_basis=TEXT),
        )  # fmt: skip
        consent = egress.record_consent(
            uow, council.caller(uow, "ru_supervisor"),
            ConsentIn(third_party=party.public_id, object_kind="thread"),
        )  # fmt: skip
        subscription = egress.ask_subscription(
            uow, council.caller(uow, "ru_liaison"),
            SubscriptionIn(reader="ru_liaison", door="exchange:thread-list", daily_limit=5000,
                           purpose=TEXT, valid_until=date.today() + timedelta(days=30)),
        )  # fmt: skip
        uow.commit()
    return {
        "third_party_id": party.public_id,
        "consent_id": consent.public_id,
        "subscription_id": subscription.public_id,
    }


def _background(container: Container, council: Council, thread: str) -> dict[str, str]:
    """RU-SVC's export of its thread, prepared in the background, and the job of its
    upload (made by `_records`)."""
    with container.uow() as uow:
        thread_id = uow.session.scalar(select(Thread.id).where(Thread.public_id == thread))
        assert thread_id is not None
        ru = council.caller(uow, "ru_liaison")
        export = prepared.prepare(uow, ru, exchange_context(container), thread_id, "pdf")
        job = uow.session.scalar(select(Job.public_id).where(Job.kind == uploads.JOB))
        assert job is not None
        uow.commit()
    return {"prepared_id": export.public_id, "job_id": job}


@pytest.fixture
def hidden(client: TestClient, container: Container, council: Council) -> Hidden:
    values = {
        **_exchange(client, container, council),
        **_records(container, council),
        **_movements(container, council),
        **_council(container, council),
        **_events(container, council),
        **_identity(container, council),
        **_egress(container, council),
    }
    values |= _background(container, council, values["thread_id"])
    _admit_observer(container, council)
    return Hidden(values)


# What differs between any two answers: tokens, nonces, request ids and the moment shown.
_VOLATILE = re.compile(
    r'(name="csrf_token" value=")[^"]+|(nonce=")[^"]+|("request_id":\s*")[^"]+'
    r"|(<time)[^>]*>[^<]*"
)
_SAME_HEADERS_EXCEPT = {"date", "content-length", "set-cookie", "x-request-id"}


def _answer(response: Any, written: list[tuple[str, str]]) -> tuple[int, str, dict[str, str]]:
    """Status, body and headers, with what varies between any two answers blanked and each
    identifier asked for written as the hidden object's. (Missing identifiers are chosen
    to appear nowhere else, so writing them as the hidden ones touches nothing else.)"""

    def same(text: str) -> str:
        for asked, written_as in written:
            text = text.replace(asked, written_as)
        return text

    body = _VOLATILE.sub(lambda m: next(g for g in m.groups() if g) + "…", response.text)
    headers = {
        name: same(_VOLATILE.sub("…", header))
        for name, header in response.headers.items()
        if name not in _SAME_HEADERS_EXCEPT
    }
    return response.status_code, same(body), headers


TEXT = "Проверка доступа к объекту по запросу коллег"
TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def _sample(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    """A small valid instance of a JSON schema (the API's own), so that a request passes
    validation and reaches the object's gate."""
    if "$ref" in schema:
        return _sample(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "examples" in schema:
        return schema["examples"][0]
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"]
            return _sample(options[0], defs)
    kind = schema.get("type")
    if kind == "object":
        return {
            name: FORM[name] if name in ("agency",) else _sample(inner, defs)
            for name, inner in schema.get("properties", {}).items()
            if name in schema.get("required", [])
        }
    if kind == "array":
        return [_sample(schema["items"], defs) for _ in range(schema.get("minItems", 0))]
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if schema.get("format") == "date":
        return TOMORROW
    if schema.get("format") == "date-time":
        return TOMORROW + "T10:00:00Z"
    return TEXT[: schema.get("maxLength", len(TEXT))]


# Valid values for the pages' form fields and query parameters, by name: a form that passes
# validation reaches the object's gate.
WRITTEN = (
    "reason", "note", "title", "minutes", "text", "description", "body", "evidence",
    "justification", "answer", "purpose", "legal_basis", "how",
)  # fmt: skip
FORM = dict.fromkeys(WRITTEN, TEXT) | {
    "role": "analyst", "desk": "CT", "name": "интеграция", "decision": "approve",
    "digest": "0" * 64, "version": "1", "thread_id": "1", "agency": "RU-SVC",
    "due_on": TOMORROW, "status": "done", "stance": "approve", "meeting_id": "1",
    "number": "9", "responsible": "RU-SVC", "reported_on": date.today().isoformat(),
    "progress": "10", "section_number": "1", "outcome": "confirmed",
    "subject_category": "suspect", "old": "1", "new": "1",
}  # fmt: skip


# Fields whose name means something else on some routes.
FORM_BY_ROUTE = {
    "/dissemination": {"purpose": "recipient"},
    "/break-glass": {"minutes": "30"},
    "/inspect": {"minutes": "30"},
    "/updates": {"programme_id": "1"},
    "/incidents": {
        "occurred_at": (date.today() - timedelta(days=1)).isoformat() + "T08:00",
        "venue": new_public_id(),
        "category": "medical",
        "severity": "2",
        "status": "closed",
        "thread": "EX-2026-00000000",
    },
    "/events/": {
        "kind": "summit",
        "starts_on": TOMORROW,
        "ends_on": TOMORROW,
        "address": TEXT,
        "latitude": "55.8",
        "longitude": "49.1",
        "officer": TEXT,
        "contact": "+7 700",
        "starts_at": TOMORROW + "T08:00",
        "ends_at": TOMORROW + "T20:00",
        "category": "arson",
        "scenario": TEXT,
        "likelihood": "3",
        "impact": "3",
        "treatment": "reduce",
        "owner": "RU-SVC",
        "phase": new_public_id(),
    },
}


def _bodies(client: TestClient) -> dict[tuple[str, str], Any]:
    """A valid JSON body for every API operation that takes one."""
    document = client.get("/api/openapi.json").json()
    defs = document.get("components", {}).get("schemas", {})
    bodies = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                schema = content["application/json"]["schema"]
                bodies[(method.upper(), path)] = _sample(schema, defs)
    return bodies


Answer = tuple[int, str, dict[str, str]]


def _difference(hidden: Answer, missing: Answer) -> str:
    if hidden[0] != missing[0]:
        return f"status {hidden[0]} / {missing[0]}: {hidden[1][:300]!r}"
    if hidden[2] != missing[2]:
        return f"headers {hidden[2]} / {missing[2]}"
    lines = zip(hidden[1].splitlines(), missing[1].splitlines(), strict=False)
    first = next(((a, b) for a, b in lines if a != b), ("", ""))
    return f"body {first[0]!r} / {first[1]!r}"


def _request(
    method: str, path: str, api: dict[str, str], token: str, bodies: dict[tuple[str, str], Any]
) -> dict[str, Any]:
    """What goes with a request besides its path: the token or the CSRF field, a valid
    body, and the query a route wants."""
    query = {"old": "1", "new": "1"} if path.endswith("/diff") else {}
    if path.endswith("/attachments"):
        query["filename"] = "схема.pdf"
    form = FORM | next((values for end, values in FORM_BY_ROUTE.items() if end in path), {})
    if path.startswith("/api/"):
        sent: dict[str, Any] = {"headers": api, "params": query}
        if path.endswith("/attachments"):
            return sent | {"content": PDF}
        return sent | {"json": bodies.get((method, path))}
    if method == "GET":
        return {"params": query}
    return {"params": query, "data": {"csrf_token": token, **form}}


def _routes() -> list[tuple[str, str]]:
    found = []
    for router in ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute) and "{" in route.path:
                found += [(method, route.path) for method in sorted(route.methods)]
    return found


def _fill(path: str, side: int, hidden: Hidden) -> tuple[str, list[tuple[str, str]]] | None:
    """The path with the hidden (side 0) or missing (side 1) identifiers filled in, and
    each identifier used with the hidden one it stands for; None if one cannot be filled."""
    filled, written = path, []
    for param in re.findall(r"{(\w+)}", path):
        if param in NOT_IDENTIFIERS:
            filled = filled.replace(f"{{{param}}}", NOT_IDENTIFIERS[param])
            continue
        if param not in hidden.values and (path.split("/{")[0], param) not in _KIND_OF_REQUEST:
            return None
        pair = hidden.pair(path, param)
        filled = filled.replace(f"{{{param}}}", pair[side])
        written.append((pair[side], pair[0]))
    return filled, written


def test_every_route_answers_a_hidden_object_as_a_missing_one(
    client: TestClient, container: Container, council: Council, hidden: Hidden
) -> None:
    api = _auth(container, council, OBSERVER)
    sign_in(client, council, OBSERVER)
    token = csrf_token(client.get("/account").text)
    bodies = _bodies(client)
    unfilled, differ = [], []
    checked = reached = 0  # reached: answers the object's gate gave, not the validation
    for method, path in _routes():
        params = re.findall(r"{(\w+)}", path)
        if any(p in EXEMPT for p in params) or (method, path) in EXEMPT_ROUTES:
            continue
        sides = [_fill(path, side, hidden) for side in (0, 1)]
        if sides[0] is None or sides[1] is None:
            unfilled.append(f"{method} {path}")
            continue
        answers = []
        for filled, written in sides:
            client.get("/account")  # shows (and so clears) any notice left for the next page
            sent = _request(method, path, api, token, bodies)
            response = client.request(method, filled, follow_redirects=False, **sent)
            answers.append(_answer(response, written))
        checked += 1
        reached += answers[0][0] == 404
        if answers[0] != answers[1]:
            differ.append(f"{method} {path}: {_difference(*answers)}")
    assert unfilled == []
    assert differ == []
    assert checked > 100
    assert reached > 0.9 * checked


def test_a_meeting_shows_no_document_its_reader_may_not_open(
    container: Container, council: Council
) -> None:
    """A RED document on the agenda of a meeting every member agency sees: the meeting is
    shown to KZ-SVC, the document's title, number and link are not."""
    with container.uow() as uow:
        sec = council.caller(uow, "sec_officer")
        red = documents.create_document(uow, sec, RED_AGREEMENT)
        shared = meetings.create_meeting(
            uow, sec,
            MeetingIn(number=91, title="Открытое заседание", held_on=date(2026, 3, 14),
                      place="Астана", chair="Председатель",
                      participants=[ParticipantIn(agency="KZ-SVC", delegates="")]),
        )  # fmt: skip
        from interagency.council.schemas import AgendaItemIn

        meetings.add_agenda_item(
            uow, sec, shared.id, AgendaItemIn(title="О соглашении", document_ids=[red.public_id])
        )
        uow.commit()
    with container.uow() as uow:
        kz = council.caller(uow, "kz_liaison")
        seen = meetings.get_meeting(uow, kz, shared.id)
        ru = council.principal(uow, "ru_liaison")
        assert kz.principal is not None
        assert meetings.documents_of(kz.principal, seen.items[0]) == []
        assert [d.id for d in meetings.documents_of(ru, seen.items[0])] == [red.id]


def _path_parameters(dependant: Any) -> Any:
    yield from dependant.path_params
    for inner in dependant.dependencies:
        yield from _path_parameters(inner)


def test_no_route_takes_an_integer_key() -> None:
    """Every object a path names, it names by public id (or code, reference, login): a new
    route that takes an integer key would let users count and guess."""
    counted = []
    for router in ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute):
                for parameter in _path_parameters(route.dependant):
                    if parameter.field_info.annotation is int and parameter.name != "number":
                        counted.append(f"{route.path}: {parameter.name}")
    # `number` is an agenda item's place in its meeting's agenda (1, 2, 3...), not a key.
    assert counted == []
