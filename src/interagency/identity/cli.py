"""`interagency agencies ...` and `interagency users ...`: the operator's command line.

The operator on the server needs no role, but is no exception to the rule that an agency
approves every path to its content: the operator adds agencies, bootstraps an agency's
first supervisor, proposes accounts and resets, and disables; every change is audited
like one made in the browser.
"""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table
from sqlalchemy import select

from interagency.db import utcnow
from interagency.errors import DomainError
from interagency.identity import accounts, approvals, directory, enrolment, totp
from interagency.identity.models import AgencyKind, Role, User
from interagency.identity.policy import Change
from interagency.identity.schemas import AccountIn, AgencyIn, DeskIn, UserOut
from interagency.terminal import (
    BAD_INPUT,
    change,
    console,
    container_or_exit,
    fail,
    invalid,
    refused,
)

agencies_app = typer.Typer(
    help="Agencies and council bodies, with their desks.", no_args_is_help=True
)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)


@agencies_app.command("add")
def agencies_add(
    code: Annotated[str, typer.Argument(help="Short code, e.g. KZ-KNB")],
    name_ru: Annotated[str, typer.Option(help="Name in Russian.")],
    name_en: Annotated[str, typer.Option(help="Name in English.")],
    state: Annotated[str | None, typer.Option(help="ISO code of the member state.")] = None,
    kind: Annotated[AgencyKind, typer.Option(help="member_agency or a council body.")] = (
        AgencyKind.MEMBER_AGENCY
    ),
    desk: Annotated[
        list[str] | None, typer.Option(help="A desk as 'CODE|name in Russian|name in English'.")
    ] = None,
) -> None:
    """Add an agency (or a council body) and its desks."""
    try:
        desks = []
        for text in desk or []:
            parts = [part.strip() for part in text.split("|")]
            if len(parts) != 3:
                raise fail(
                    f"desk {text!r}: write it as 'CODE|name in Russian|name in English'",
                    BAD_INPUT,
                )
            desks.append(DeskIn(code=parts[0].upper(), name_ru=parts[1], name_en=parts[2]))
        data = AgencyIn(
            code=code.upper(),
            kind=kind,
            member_state=state,
            name_ru=name_ru,
            name_en=name_en,
            desks=desks,
        )
    except ValidationError as exc:
        raise invalid(exc) from None
    with change() as uow:
        directory.add_agency(uow, None, data)
    console.print(f"Added {data.code} with {len(desks)} desks.")


@users_app.command("add")
def users_add(
    login: Annotated[str, typer.Argument(help="Lower-case login, e.g. ivanov")],
    full_name: Annotated[str, typer.Option("--name", help="Full name, in any script.")],
    agency: Annotated[str, typer.Option(help="Code of the user's agency.")],
    desk: Annotated[list[str], typer.Option(help="Desk code; repeat for several.")],
    role: Annotated[list[Role] | None, typer.Option(help="Role; repeat for several.")] = None,
    personnel_number: Annotated[
        str | None, typer.Option(help="The agency's personnel number of the person.")
    ] = None,
    email: Annotated[
        str | None, typer.Option(help="Address for e-mail notifications, e.g. name@agency.gov")
    ] = None,
    service: Annotated[
        bool, typer.Option("--service", help="A system's account: no password, tokens only.")
    ] = False,
    first_supervisor: Annotated[
        bool,
        typer.Option(
            "--first-supervisor",
            help="At installation: the agency's first supervisor, who approves every other "
            "account. Refused once the agency has one.",
        ),
    ] = False,
    reason: Annotated[
        str, typer.Option(help="Why the account is needed (for the approving supervisor).")
    ] = "",
) -> None:
    """Propose an account (a supervisor of its agency approves it), or create an agency's
    first supervisor. Nobody but the user ever knows the password: it is set through a
    single-use enrolment link."""
    roles = list(role or ([Role.SUPERVISOR] if first_supervisor else []))
    try:
        data = AccountIn(
            login=login,
            full_name=full_name,
            agency=agency.upper(),
            personnel_number=personnel_number,
            service=service,
            desks=desk,
            roles=roles,
            email=email,
        )
    except ValidationError as exc:
        raise invalid(exc) from None
    if first_supervisor:
        with change() as uow:
            user, path = accounts.add_first_supervisor(uow, data)
        base = container_or_exit().settings.base_url.rstrip("/")
        console.print(
            f"Added {user.login}, the first supervisor of {user.agency}. Hand this single-use "
            f"link to {user.full_name} in person; it works once, for "
            f"{int(enrolment.LIFETIME.total_seconds() // 3600)} hours:"
        )
        console.print(base + path, soft_wrap=True, markup=False, highlight=False)
        return
    with change() as uow:
        row = accounts.ask_for_account(uow, None, data, reason or "asked by the operator")
    console.print(
        f"Request {row.id}: the account {data.login} waits for the approval of a supervisor "
        f"of {data.agency}."
    )


@users_app.command("reset")
def users_reset(
    login: Annotated[str, typer.Argument()],
    reason: Annotated[str, typer.Option(help="Why, for the approving supervisor.")],
) -> None:
    """Ask for a reset of a user's password and second factor. A supervisor of the user's
    agency approves it and hands the user a new enrolment link."""
    with change() as uow:
        row = approvals.ask_about(uow, None, Change.RESET, login, {}, reason)
    console.print(f"Request {row.id} waits for the approval of a supervisor of the agency.")


@users_app.command("disable")
def users_disable(
    login: Annotated[str, typer.Argument()],
    reason: Annotated[str, typer.Option(help="Why, for the audit trail.")],
) -> None:
    """Disable a user: every session and API token of theirs ends at once."""
    with change() as uow:
        accounts.disable(uow, None, login, reason)
    console.print(f"Disabled {login}; their sessions and tokens have ended.")


@users_app.command("list")
def users_list() -> None:
    """List every user."""
    table = Table("login", "name", "agency", "kind", "roles", "2FA", "state")
    with container_or_exit().uow() as uow:
        for user in uow.session.scalars(select(User).order_by(User.login)):
            out = accounts.user_out(user)
            table.add_row(
                out.login,
                out.full_name,
                out.agency,
                "service" if out.service else "person",
                ", ".join(out.roles),
                "yes" if out.second_factor else "no",
                _state(out),
            )
    console.print(table)


def _state(out: UserOut) -> str:
    if out.refused:
        return "refused"
    if out.pending:
        return "pending"
    return f"disabled {out.disabled_at.isoformat()}" if out.disabled_at else "active"


@users_app.command("demo-code")
def users_demo_code(login: Annotated[str, typer.Argument()]) -> None:
    """Print the current TOTP code of a demo user (demo secrets only, never in production)."""
    from interagency.demo import demo_totp_secret

    container = container_or_exit()
    if container.settings.is_production:
        raise fail("demo codes do not exist in production", BAD_INPUT)
    with container.uow() as uow:
        try:
            user = accounts.find(uow, login)
        except DomainError as exc:
            raise refused(exc) from None
        secret = demo_totp_secret(user.login)
        stored = user.totp_secret and totp.unseal(
            container.settings.key_dir, user.totp_secret, user.id
        )
    if stored != secret:
        raise fail(f"{login} has a secret of their own, not the demo one", BAD_INPUT)
    console.print(totp.code_for(secret, utcnow()))
