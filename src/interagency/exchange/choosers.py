"""What the exchange's forms offer to choose from: recipients by agency and desk, grades.

A recipient is posted as the API names it (`AGENCY`, `AGENCY/DESK` or `AGENCY:login`), but
offered under the names of its agency and desk in the reader's language, grouped by agency,
so that nobody has to know some thirty codes by heart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from interagency import i18n
from interagency.i18n import lazy
from interagency.identity.schemas import AgencyOut, DeskOut
from interagency.markings import InformationGrade, SourceGrade


@dataclass(frozen=True)
class Choice:
    value: str  # as posted: AGENCY, AGENCY/DESK or AGENCY:login
    label: str  # "Agency name — desk name (AGENCY/DESK)"


@dataclass(frozen=True)
class AgencyChoices:
    """One agency's group of the chooser: the agency as a whole, its desks, its listed people."""

    code: str
    name: str
    choices: tuple[Choice, ...]

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"


def _name(named: AgencyOut | DeskOut, language: str) -> str:
    return named.name_ru if language == "ru" else named.name_en


def recipient_groups(
    agencies: list[AgencyOut],
    *,
    leave_out: Callable[[str], bool] = lambda code: False,
    desks: bool = True,
    people: bool = True,
) -> list[AgencyChoices]:
    """The directory's agencies as groups of choices, in the reader's language and sorted by
    name in it; an agency whose code `leave_out` names is not offered."""
    language = i18n.current_language()
    whole = i18n.gettext(lazy("the whole agency"))
    groups = []
    for agency in agencies:
        if leave_out(agency.code):
            continue
        name = _name(agency, language)
        choices = [Choice(agency.code, f"{name} — {whole} ({agency.code})")]
        if desks:
            choices += [
                Choice(
                    f"{agency.code}/{desk.code}",
                    f"{name} — {_name(desk, language)} ({agency.code}/{desk.code})",
                )
                for desk in agency.desks
            ]
        if people:
            choices += [
                Choice(
                    f"{agency.code}:{user.login}",
                    f"{name} — {user.full_name} ({agency.code}:{user.login})",
                )
                for user in agency.users
            ]
        groups.append(AgencyChoices(agency.code, name, tuple(choices)))
    return sorted(groups, key=lambda group: group.name.casefold())


# The EU 4x4 evaluation: how far the source has proved reliable, and how far the information
# is known to be true; the select and its legend both say it.
SOURCE_MEANINGS = {
    SourceGrade.A: lazy("reliable"),
    SourceGrade.B: lazy("usually reliable"),
    SourceGrade.C: lazy("not reliable"),
    SourceGrade.X: lazy("cannot be assessed"),
}
INFORMATION_MEANINGS = {
    InformationGrade.ONE: lazy("known to be true without reservation"),
    InformationGrade.TWO: lazy("known personally to the source"),
    InformationGrade.THREE: lazy("not known personally to the source, but corroborated"),
    InformationGrade.FOUR: lazy("not known personally to the source, cannot be corroborated"),
}


def _graded(meanings: dict[SourceGrade, str] | dict[InformationGrade, str]) -> list[Choice]:
    return [Choice(g.value, f"{g.value} — {i18n.gettext(m)}") for g, m in meanings.items()]


def grade_choices() -> dict[str, list[Choice]]:
    """Each grade with its meaning in the reader's language: "B — usually reliable"."""
    return {"source": _graded(SOURCE_MEANINGS), "information": _graded(INFORMATION_MEANINGS)}
