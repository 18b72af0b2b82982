"""Demo threads between the demo agencies, through the real services (sealed, indexed).

Loaded once: a second run finds the first thread's case number and adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from interagency.db import UnitOfWork, utcnow
from interagency.exchange import dissemination, services
from interagency.exchange.models import Recipient, Thread
from interagency.exchange.schemas import DisseminationIn, ReplyIn, ThreadIn
from interagency.identity.models import User
from interagency.identity.principals import Caller, principal_of

MARKER = "ДЕМО-2026/001"


@dataclass
class DemoReply:
    login: str
    body: str


@dataclass
class DemoThread:
    login: str
    data: dict[str, object]
    replies: list[DemoReply] = field(default_factory=list)
    acknowledged_by: list[str] = field(default_factory=list)
    overdue: bool = False
    onward_request: tuple[str, str, str] | None = None  # (login, agency, reason)


THREADS = [
    DemoThread(
        "kuznetsov",
        {
            "subject": "Координация мер безопасности: международные соревнования по борьбе, "
            "Казань, 12–20 сентября",
            "body": "Коллеги, в период соревнований ожидается до 40 000 иностранных болельщиков. "
            "Просим направить списки прикомандированных офицеров связи и контактные данные "
            "дежурных служб на время проведения мероприятия. Совместный оперативный штаб "
            "начинает работу за 10 дней до открытия.",
            "kind": "notification",
            "priority": "urgent",
            "tlp": "GREEN",
            "handling_code": "H0",
            "from_desk": "EVENTS",
            "recipients": [
                {"agency": "KZ-KNB", "desk": "EVENTS"},
                {"agency": "BY-KGB"},
                {"agency": "AZ-DTX"},
                {"agency": "COUNCIL-SEC"},
            ],
            "case_numbers": [MARKER],
        },
        replies=[
            DemoReply(
                "abenov",
                "KNB will second two liaison officers to the joint operations centre from "
                "2 September; the duty desk in Astana is reachable around the clock.",
            ),
            DemoReply(
                "lukashevich",
                "КГБ Республики Беларусь направит одного офицера связи. Контакты дежурной "
                "части будут переданы до 25 августа.",
            ),
        ],
        acknowledged_by=["mammadov", "orlova"],
    ),
    DemoThread(
        "nurlanov",
        {
            "subject": "Запрос: серия поддельных паспортов, изъятых на пункте пропуска "
            "«Жибек Жолы»",
            "body": "На пункте пропуска изъяты 7 паспортов с признаками подделки (замена страницы "
            "с данными, ламинат не соответствует образцу). Просим сообщить, выявлялись ли "
            "документы с аналогичными признаками и номерами серии, указанной во вложении к "
            "делу, и известны ли изготовители.",
            "kind": "request",
            "priority": "routine",
            "tlp": "AMBER",
            "handling_code": "H1",
            "source_grade": "B",
            "information_grade": "2",
            "from_desk": "TRAFFIC",
            "recipients": [{"agency": "RU-FSB", "desk": "BORDER"}, {"agency": "UZ-SGB"}],
            "case_numbers": ["KZ-2026/0417"],
            "deadline_days": 10,
        },
        replies=[
            DemoReply(
                "kuznetsov",
                "В 2025–2026 годах выявлены 3 паспорта с тем же способом замены страницы. "
                "Материалы проверки направим отдельным сообщением после согласования.",
            )
        ],
        acknowledged_by=["yusupov"],
        onward_request=(
            "kuznetsov",
            "TJ-GKNB",
            "Один из выявленных паспортов использовался при въезде из Таджикистана.",
        ),
    ),
    DemoThread(
        "yusupov",
        {
            "subject": "Alert: new migrant smuggling route through the Fergana valley",
            "body": "Interception reports of the last three weeks show groups of 10–15 migrants "
            "moved by minibus to the border at night, then on foot across the river. The "
            "organisers use rotating SIM cards and pay drivers in cash. Smuggled migrants are "
            "victims in this scheme; handle their personal data accordingly.",
            "kind": "alert",
            "priority": "immediate",
            "tlp": "AMBER+STRICT",
            "handling_code": "H2",
            "source_grade": "A",
            "information_grade": "2",
            "recipients": [
                {"agency": "KZ-KNB", "desk": "TRAFFIC"},
                {"agency": "KG-GKNB"},
                {"agency": "TJ-GKNB"},
            ],
        },
        acknowledged_by=["nurlanov", "toktogulov"],
    ),
    DemoThread(
        "ivanov",
        {
            "subject": "Запрос: возвращение иностранного боевика-террориста через третью страну",
            "body": "По имеющимся данным, гражданин, выехавший в 2019 году в зону вооружённого "
            "конфликта, намерен вернуться через Баку в ближайшие две недели. Просим "
            "подтвердить сведения о его передвижении и сообщить о документах, которые он "
            "может использовать.",
            "kind": "request",
            "priority": "immediate",
            "tlp": "RED",
            "handling_code": "H3",
            "restriction": "Не использовать в судебном разбирательстве; не сообщать "
            "третьим странам без согласия ФСБ России.",
            "source_grade": "B",
            "information_grade": "3",
            "from_desk": "FTF",
            "recipients": [{"agency": "AZ-DTX", "desk": "CT"}],
            "deadline_days": 5,
        },
        overdue=True,
    ),
]


def _caller(uow: UnitOfWork, login: str) -> Caller:
    user = uow.session.scalar(select(User).where(User.login == login))
    if user is None:
        raise LookupError(f"demo user {login} is missing")
    return Caller(principal_of(user), None, label="demo")


def load(uow: UnitOfWork, ctx: services.Context) -> int:
    """Adds the demo threads unless they are there; returns how many were added."""
    if uow.session.scalar(select(Thread.id).where(Thread.case_numbers.contains(MARKER))):
        return 0
    today = utcnow().date()
    for demo in THREADS:
        fields = dict(demo.data)
        days = fields.pop("deadline_days", None)
        if isinstance(days, int):
            fields["deadline"] = today + timedelta(days=days)
        data = ThreadIn.model_validate(fields)
        thread = services.send(uow, _caller(uow, demo.login), ctx, data)
        for login in demo.acknowledged_by:
            services.acknowledge(uow, _caller(uow, login), ctx, thread.id, None)
        for answer in demo.replies:
            marking = ReplyIn(
                body=answer.body,
                tlp=data.tlp,
                handling_code=data.handling_code,
                restriction=data.restriction,
            )
            services.reply(uow, _caller(uow, answer.login), ctx, thread.id, marking)
        if demo.onward_request:
            login, agency, reason = demo.onward_request
            dissemination.request(
                uow, _caller(uow, login), ctx, thread.id,
                DisseminationIn(purpose="recipient", agency=agency, reason=reason),
            )  # fmt: skip
        if demo.overdue:
            # The demo shows the overdue dashboard: this request's day has passed.
            for recipient in uow.session.scalars(
                select(Recipient).where(Recipient.thread_id == thread.id)
            ):
                if recipient.deadline_at is not None:
                    recipient.deadline_at -= timedelta(days=7)
    uow.session.flush()
    return len(THREADS)
