"""The planning model the council's templates start from: the phases of the UNICRI
International Permanent Observatory's planning model and the EU-SEC manual, with the
checklist of each, as data. Each step is due a number of days before (below zero) or after
the event's first day. The texts are written in both languages here, because a template
is kept in the language its editor works in."""

from __future__ import annotations

from typing import Final

# (phase, step, offset in days): phase and step as {language: text}
Text = dict[str, str]

PHASES: Final[list[Text]] = [
    {"en": "Strategic planning", "ru": "Стратегическое планирование"},
    {"en": "Operational planning", "ru": "Оперативное планирование"},
    {"en": "Pre-event", "ru": "Подготовка к мероприятию"},
    {"en": "Event operations", "ru": "Проведение мероприятия"},
    {"en": "Post-event", "ru": "После мероприятия"},
]

STEPS: Final[list[tuple[int, Text, int]]] = [
    (1, {"en": "Name the lead agency and the security coordinator",
         "ru": "Назначить ведущее ведомство и координатора безопасности"}, -365),
    (1, {"en": "Agree the legal basis and the command structure",
         "ru": "Согласовать правовую основу и структуру управления"}, -300),
    (1, {"en": "First threat and risk assessment",
         "ru": "Первичная оценка угроз и рисков"}, -270),
    (2, {"en": "Security plan of each venue",
         "ru": "План обеспечения безопасности каждого объекта"}, -180),
    (2, {"en": "Accreditation concept and zones",
         "ru": "Концепция аккредитации и зоны доступа"}, -150),
    (2, {"en": "Information exchange with participating agencies",
         "ru": "Обмен информацией с ведомствами-участниками"}, -120),
    (3, {"en": "Joint exercise of the command centre",
         "ru": "Совместные учения командного центра"}, -30),
    (3, {"en": "Venue sweeps and lock-down",
         "ru": "Обследование и закрытие объектов"}, -2),
    (4, {"en": "24/7 liaison roster in force",
         "ru": "Круглосуточное дежурство представителей"}, 0),
    (4, {"en": "Daily situation briefing", "ru": "Ежедневный брифинг об обстановке"}, 0),
    (5, {"en": "After-action review with every agency",
         "ru": "Разбор итогов со всеми ведомствами"}, 14),
    (5, {"en": "Lessons learned shared with the council",
         "ru": "Извлечённые уроки переданы Совету"}, 45),
]  # fmt: skip

NAME: Final[Text] = {
    "en": "Planning model (UNICRI IPO, EU-SEC)",
    "ru": "Модель планирования (МПО ЮНИКРИ, EU-SEC)",
}


def steps(language: str) -> list[tuple[str, str, int]]:
    """(phase, step, offset) in the language, English for any other."""
    lang = language if language in NAME else "en"
    return [(PHASES[phase - 1][lang], text[lang], offset) for phase, text, offset in STEPS]


def name(language: str) -> str:
    return NAME[language if language in NAME else "en"]
