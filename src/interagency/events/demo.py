"""Demo events, entered through the real services: a past international sports
competition hosted by KZ-KNB, its plan done, its risks treated, two incidents closed,
its after-action report final and two lessons in the library, and an upcoming summit
hosted by RU-FSB in planning, with open risks, one task past its deadline and a batch of
accreditation applicants waiting for approval; and a
planning template of the council in Russian.

Loaded once, after the users: a second run finds events and adds nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final

from sqlalchemy import func, select

from interagency.db import UnitOfWork
from interagency.events import (
    accreditation,
    after_action,
    dossier,
    lessons,
    operations,
    planning,
    register,
)
from interagency.events.models import Event
from interagency.events.schemas import (
    DelegationIn,
    EventIn,
    IncidentIn,
    IncidentStatusIn,
    LessonIn,
    MeasureIn,
    PhaseIn,
    ReportIn,
    RiskIn,
    ShiftIn,
    TaskIn,
    TaskStatusIn,
    TemplateIn,
    TemplateStepIn,
    VenueIn,
)
from interagency.identity.models import Agency, User
from interagency.identity.principals import Caller, principal_of

COMPETITION: Final[dict[str, Any]] = {
    "host": "abenov",
    "kind": "sports_competition",
    "title": "Игры Содружества — 2026, Астана",
    "description": "Международные соревнования по шести видам спорта; делегации девяти государств.",
    "days_from_today": -150,
    "length": 9,
    "attendance": 120_000,
    "venues": [
        {"name": "Астана Арена", "address": "Астана, проспект Туран, 48", "capacity": 30_000,
         "latitude": 51.1083, "longitude": 71.4025},
        {"name": "Дворец спорта «Казахстан»", "address": "Астана, проспект Туран, 52/1",
         "capacity": 5_000, "latitude": 51.1175, "longitude": 71.4134},
    ],
    "participants": [("RU-FSB", 40), ("UZ-SGB", 25), ("KG-GKNB", 18)],
    "risks": [
        ("vehicle_ramming", "Наезд грузовика на очередь зрителей у входа на стадион", 3, 5,
         "reduce", [("Бетонные блоки на всех подъездах", "done",
                     "Акт приёмки от 02.06, фотографии постов")]),
        ("unmanned_aircraft_attack", "Беспилотник над трибунами во время церемонии открытия",
         2, 4, "reduce", [("Подавление сигналов в радиусе 2 км", "done",
                           "Журнал дежурства группы РЭБ")]),
        ("crowd_violence", "Столкновения болельщиков у фан-зоны", 3, 3, "reduce",
         [("Раздельные потоки болельщиков", "done", "Схема движения, утверждена 20.05")]),
    ],
}  # fmt: skip

SUMMIT: Final[dict[str, Any]] = {
    "host": "ivanov",
    "kind": "summit",
    "title": "Саммит глав государств Содружества, Казань",
    "description": "Пленарное заседание, двусторонние встречи и приём в Кремле.",
    "days_from_today": 75,
    "length": 2,
    "attendance": 3_500,
    "venues": [
        {"name": "Казанская ратуша", "address": "Казань, площадь Свободы, 1",
         "capacity": 1_200, "latitude": 55.7930, "longitude": 49.1247},
        {"name": "Казанский Кремль", "address": "Казань, Кремль", "capacity": 2_000,
         "latitude": 55.7985, "longitude": 49.1055},
    ],
    "participants": [("KZ-KNB", 30), ("AZ-DTX", 20), ("BY-KGB", 22)],
    "risks": [
        ("attack_on_protected_person", "Нападение на кортеж главы делегации на маршруте "
         "аэропорт — ратуша", 2, 5, "reduce",
         [("Три согласованных маршрута кортежей", "in_progress", "")]),
        ("explosive_attack", "Самодельное взрывное устройство в зоне прессы", 2, 4, "reduce",
         [("Досмотр оборудования прессы с кинологами", "planned", "")]),
        ("cbrn_attack", "Химическое вещество в системе вентиляции зала заседаний", 1, 5,
         "transfer", []),
        ("sabotage", "Отключение электроснабжения ратуши во время заседания", 2, 3, "reduce",
         [("Резервный генератор и проверка щитовых", "planned", "")]),
    ],
}  # fmt: skip


# What happened at the competition: (day of the event, hour UTC, venue's index, category,
# severity, what happened, the agency's user who logged it); each closed since.
COMPETITION_INCIDENTS: Final[list[tuple[int, int, int, str, int, str, str]]] = [
    (0, 16, 0, "suspicious_item", 2, "Оставленный рюкзак у сектора C; проверен кинологами, "
     "опасных предметов нет, вход закрыт на 25 минут.", "abenov"),
    (3, 19, 1, "crowd_safety", 3, "Давка на выходе после финала: открыты резервные ворота, "
     "пострадавших нет.", "abenov"),
]  # fmt: skip
COMPETITION_FINDINGS: Final[dict[str, str]] = {
    "worked": "Бетонные блоки и раздельные потоки болельщиков: ни одного инцидента у входов. "
    "Единый дежурный график ведомств позволил связаться с любой делегацией за минуты.",
    "failed": "Выход после финала: резервные ворота открыли с опозданием на 10 минут. "
    "Кинологов было мало для проверки оставленных вещей на двух аренах сразу.",
    "recommendations": "Открывать резервные ворота заранее, за 10 минут до конца "
    "соревнований. Держать по одному кинологическому расчёту на каждой арене.",
}

# Lessons of the competition for the next host: (author's login, title, text, threats,
# shared with: None for every member agency, else the agencies' codes).
COMPETITION_LESSONS: Final[list[tuple[str, str, str, list[str], list[str] | None]]] = [
    ("abenov", "Резервные ворота открывать до конца соревнований",
     "После финала на «Астана Арене» зрители вышли за 20 минут вместо 12: резервные "
     "ворота открыли с опозданием. Открывайте их за 10 минут до конца, с нарядом у "
     "каждых ворот.",
     ["crowd_violence"], None),
    ("ivanov", "Кинологический расчёт на каждой арене",
     "Один расчёт на две арены задерживал проверку оставленных вещей до 25 минут. "
     "Держите расчёт у каждого входа и резерв в штабе.",
     ["explosive_attack"], ["KZ-KNB", "UZ-SGB"]),
]  # fmt: skip

# The council's checklist for sports events, kept by the secretariat in Russian.
TEMPLATE_NAME: Final = "Контрольный перечень: международные спортивные соревнования"
TEMPLATE_STEPS: Final[list[tuple[str, str, int]]] = [
    ("Стратегическое планирование", "Назначить ведущее ведомство и координатора", -365),
    ("Стратегическое планирование", "Первичная оценка угроз и рисков", -270),
    ("Оперативное планирование", "План безопасности каждой арены", -180),
    ("Оперативное планирование", "Концепция аккредитации и зоны доступа", -150),
    ("Подготовка", "Совместные учения командного центра", -30),
    ("Подготовка", "Обследование и закрытие арен", -2),
    ("Проведение", "Ежедневный брифинг об обстановке", 0),
    ("После мероприятия", "Разбор итогов со всеми ведомствами", 14),
]
# The summit's accreditation: its quota, and a first batch of applicants.
SUMMIT_QUOTA: Final = 1_500
SUMMIT_APPLICANTS: Final[list[dict[str, str]]] = [
    {"surname": "Галиева", "given_name": "Алсу", "birth_date": "12.04.1996", "sex": "F",
     "nationality": "RUS", "document_number": "9216123456", "role": "volunteer",
     "employer": "Волонтёрский центр Казани"},
    {"surname": "Назарбеков", "given_name": "Ерлан", "birth_date": "03.09.1988", "sex": "M",
     "nationality": "KAZ", "document_number": "N08812345", "role": "media",
     "employer": "Хабар 24"},
    {"surname": "Садыков", "given_name": "Ильдар", "birth_date": "21.01.1979", "sex": "M",
     "nationality": "RUS", "document_number": "9204765432", "role": "contractor",
     "employer": "Татпищепром, кейтеринг"},
    {"surname": "Ким", "given_name": "Марина", "birth_date": "30.06.1991", "sex": "F",
     "nationality": "RUS", "document_number": "9211987654", "role": "staff",
     "employer": "Казанская ратуша"},
]  # fmt: skip

# The summit's plan so far, by phase: (title, days from today, status).
SUMMIT_PLAN: Final[dict[str, list[tuple[str, int, str]]]] = {
    "Стратегическое планирование": [("Назначить координатора безопасности саммита", -40, "done")],
    "Оперативное планирование": [
        ("Согласовать маршруты кортежей с ГИБДД", -5, "open"),
        ("Планы безопасности ратуши и Кремля", 20, "in_progress"),
    ],
    "Подготовка": [("Совместные учения командного центра", 60, "open")],
}


def _caller(uow: UnitOfWork, login: str) -> Caller:
    user = uow.session.scalar(select(User).where(User.login == login))
    if user is None:
        raise LookupError(f"the demo has no user {login!r}")
    return Caller(principal_of(user), "127.0.0.1")


def _event(uow: UnitOfWork, spec: dict[str, Any], today: date) -> tuple[Caller, Event]:
    host = _caller(uow, spec["host"])
    start = today + timedelta(days=spec["days_from_today"])
    event = dossier.create_event(
        uow,
        host,
        EventIn(
            kind=spec["kind"],
            title=spec["title"],
            description=spec["description"],
            starts_on=start,
            ends_on=start + timedelta(days=spec["length"] - 1),
            expected_attendance=spec["attendance"],
        ),
    )
    for venue in spec["venues"]:
        dossier.add_venue(uow, host, event.id, VenueIn.model_validate(venue))
    for agency, size in spec["participants"]:
        dossier.add_participant(uow, host, event.id, DelegationIn(agency=agency, size=size))
    # Each agency's liaison officer on duty round the clock on the first day, in two shifts.
    first = datetime.combine(start, time(), tzinfo=UTC)
    agencies = [host_code(uow, host), *(code for code, _ in spec["participants"])]
    for number, agency in enumerate(agencies):
        for half in (0, 12):
            dossier.add_shift(
                uow, host, event.id,
                ShiftIn(agency=agency, officer=f"Дежурный {agency} № {number * 2 + half // 12 + 1}",
                        contact=f"+7 700 000 {number:02d} {half:02d}",
                        starts_at=first + timedelta(hours=half),
                        ends_at=first + timedelta(hours=half + 12)),
            )  # fmt: skip
    for category, scenario, likelihood, impact, treatment, measures in spec["risks"]:
        risk = register.add_risk(
            uow, host, event.id,
            RiskIn(category=category, scenario=scenario, likelihood=likelihood, impact=impact,
                   treatment=treatment, owner=host_code(uow, host)),
        )  # fmt: skip
        for title, status, evidence in measures:
            register.add_measure(
                uow, host, event.id, risk.id,
                MeasureIn(title=title, status=status, evidence=evidence),
            )  # fmt: skip
    return host, event


def host_code(uow: UnitOfWork, caller: Caller) -> str:
    assert caller.principal is not None
    code = uow.session.scalar(select(Agency.code).where(Agency.id == caller.principal.agency_id))
    assert code is not None
    return code


def load(uow: UnitOfWork) -> int:
    """Adds the two events and the template unless an event exists; returns how many
    events were added."""
    if uow.session.scalar(select(func.count()).select_from(Event)):
        return 0
    today = date.today()
    steps = [TemplateStepIn(phase=p, title=t, offset_days=d) for p, t, d in TEMPLATE_STEPS]
    template = planning.save_template(
        uow, _caller(uow, "orlova"), None, TemplateIn(name=TEMPLATE_NAME, steps=steps)
    )

    # The competition: its whole plan from the council's template, every task done.
    host, competition = _event(uow, COMPETITION, today)
    for task in planning.apply_template(uow, host, competition.id, template.id, "ru"):
        planning.set_status(uow, host, competition.id, task.id, TaskStatusIn(status="done"))
    _aftermath(uow, host, competition)

    # The summit: a plan in progress, one task past its deadline.
    host, summit = _event(uow, SUMMIT, today)
    for name, tasks in SUMMIT_PLAN.items():
        phase = planning.add_phase(uow, host, summit.id, PhaseIn(name=name))
        for title, days, status in tasks:
            task = planning.add_task(
                uow, host, summit.id,
                TaskIn(phase=phase.public_id, title=title, owner=host_code(uow, host),
                       due_on=today + timedelta(days=days)),
            )  # fmt: skip
            if status != "open":
                planning.set_status(uow, host, summit.id, task.id, TaskStatusIn(status=status))
    # Its accreditation: the terms declared, a first batch waiting for another supervisor.
    accreditation.set_terms(uow, host, summit.id, SUMMIT_QUOTA, ["terrorism", "arms_trafficking"])
    accreditation.upload(uow, host, summit.id, SUMMIT_APPLICANTS)
    return 2


def _aftermath(uow: UnitOfWork, host: Caller, event: Event) -> None:
    """The competition's incidents, each closed, and its after-action report made final."""
    for day, hour, venue, category, severity, text, login in COMPETITION_INCIDENTS:
        when = datetime.combine(event.starts_on + timedelta(days=day), time(hour), tzinfo=UTC)
        who = _caller(uow, login)
        incident = operations.log_incident(
            uow, who, event.id,
            IncidentIn(occurred_at=when, venue=event.venues[venue].public_id,
                       category=category, severity=severity, description=text),
        )  # fmt: skip
        operations.set_status(uow, who, event.id, incident.id, IncidentStatusIn(status="closed"))
    after_action.save_findings(uow, host, event.id, ReportIn(**COMPETITION_FINDINGS))
    after_action.make_final(uow, host, event.id)
    for login, title, text, threats, shared in COMPETITION_LESSONS:
        lessons.write_lesson(
            uow, _caller(uow, login), event.id,
            LessonIn(title=title, text=text, threats=threats, shared_with_all=shared is None,
                     agencies=shared or []),
        )  # fmt: skip
