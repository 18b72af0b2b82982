"""`interagency agencies ...` and `interagency users ...`: the operator's command line.

The operator on the server needs no role (this is how the first administrator comes to
exist) but every change is audited like one made in the browser.
"""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table
from sqlalchemy import select

from interagency.db import utcnow
from interagency.errors import DomainError
from interagency.identity import accounts, directory, totp
from interagency.identity.models import AgencyKind, Role, User
from interagency.identity.schemas import AgencyIn, DeskIn, UserIn
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
    role: Annotated[list[Role], typer.Option(help="Role; repeat for several.")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True, hide_input=True, confirmation_prompt=True, help="Asked for when not given."
        ),
    ],
    email: Annotated[
        str | None, typer.Option(help="Address for e-mail notifications, e.g. name@agency.gov")
    ] = None,
) -> None:
    """Add a user. The operator may give any role, the first administrator's included."""
    try:
        data = UserIn(
            login=login,
            full_name=full_name,
            agency=agency.upper(),
            desks=desk,
            roles=role,
            password=password,
            email=email,
        )
    except ValidationError as exc:
        raise invalid(exc) from None
    with change() as uow:
        user = accounts.add_user(uow, None, data)
    console.print(
        f"Added {user.login} to {user.agency}. The second factor is set up at the first sign-in."
    )


@users_app.command("set-email")
def users_set_email(
    login: Annotated[str, typer.Argument()],
    email: Annotated[str, typer.Argument(help='The new address; "" removes it.')],
) -> None:
    """Set the address a user's e-mail notifications go to; an empty "" removes it."""
    with change() as uow:
        user = accounts.set_email(uow, None, login, email)
    if user.email is None:
        console.print(f"{user.login} gets no e-mail notifications now.")
    else:
        console.print(f"Notifications for {user.login} go to {user.email}.")


@users_app.command("disable")
def users_disable(
    login: Annotated[str, typer.Argument()],
    reason: Annotated[str, typer.Option(help="Why, for the audit trail.")],
) -> None:
    """Disable a user: every session and API token of theirs ends at once."""
    with change() as uow:
        accounts.disable(uow, None, login, reason)
    console.print(f"Disabled {login}; their sessions and tokens have ended.")


@users_app.command("reset-2fa")
def users_reset_2fa(login: Annotated[str, typer.Argument()]) -> None:
    """Remove a user's second factor; they enrol a new one at the next sign-in.

    In the browser this needs a second administrator's approval; on the server's command
    line it is the operator's recovery path, audited."""
    with change() as uow:
        accounts.reset_second_factor(uow, None, accounts.find(uow, login))
    console.print(f"The second factor of {login} is removed; their sessions have ended.")


@users_app.command("list")
def users_list() -> None:
    """List every user."""
    table = Table("login", "name", "agency", "roles", "2FA", "disabled")
    with container_or_exit().uow() as uow:
        for user in uow.session.scalars(select(User).order_by(User.login)):
            out = accounts.user_out(user)
            table.add_row(
                out.login,
                out.full_name,
                out.agency,
                ", ".join(out.roles),
                "yes" if out.second_factor else "no",
                out.disabled_at.isoformat() if out.disabled_at else "",
            )
    console.print(table)


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
