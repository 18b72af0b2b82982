"""Demo records from every demo agency, entered through the real services (sealed and
cross-checked), so the hits between them are found as they would be in use; one hit
waits for the owner's decision on a request for its details.

Loaded once: a second run finds records and adds nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from interagency.db import UnitOfWork
from interagency.exchange import services as exchange
from interagency.identity.models import User
from interagency.identity.principals import Caller, principal_of
from interagency.records import details, services
from interagency.records.models import Hit, Record
from interagency.records.schemas import RecordIn

DEMO_FILE = Path(__file__).with_name("demo.json")
PURPOSE_OF_DEMO = "demo"


def _caller(uow: UnitOfWork, login: str) -> Caller:
    user = uow.session.scalar(select(User).where(User.login == login))
    if user is None:
        raise LookupError(f"the demo has no user {login!r}")
    return Caller(principal_of(user), "127.0.0.1")


def load(uow: UnitOfWork, records_ctx: services.Context, exchange_ctx: exchange.Context) -> int:
    """Adds the demo records unless some record exists already; returns how many."""
    if uow.session.scalar(select(func.count()).select_from(Record)):
        return 0
    data: dict[str, Any] = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    saved: dict[str, int] = {}
    for entry in data["records"]:
        values = {k: v for k, v in entry.items() if k != "login"}
        record = services.create(
            uow, _caller(uow, entry["login"]), records_ctx, RecordIn.model_validate(values)
        ).record
        name = entry["particulars"].get("full_name") or entry["particulars"].get("surname", "")
        saved.setdefault(name, record.id)
    request = data["details_request"]
    searching_id = saved[request["searching_surname"]]
    hit = uow.session.scalar(select(Hit).where(Hit.searching_record_id == searching_id))
    if hit is not None:
        details.request(
            uow,
            _caller(uow, request["login"]),
            exchange_ctx,
            hit.reference,
            request["justification"],
        )
    return len(data["records"])
