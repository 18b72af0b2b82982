"""The demo council: loaded by `interagency demo`, idempotent, never touching what users added.

Every loader adds only what is missing, keyed by a natural key, so running the demo again
neither fails nor duplicates rows, and edits made in the demo database survive.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from interagency.bootstrap import Container
from interagency.identity import services as identity
from interagency.identity.schemas import MemberStateIn

DATA_DIR = Path(__file__).parent


@dataclass
class DemoSummary:
    added: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (login, role, secret)


def read_member_states() -> list[MemberStateIn]:
    with (DATA_DIR / "member_states.csv").open(encoding="utf-8", newline="") as handle:
        return [MemberStateIn(**row) for row in csv.DictReader(handle)]


def load_demo(container: Container) -> DemoSummary:
    summary = DemoSummary()
    with container.uow() as uow:
        summary.added["member states"] = sum(
            identity.ensure_member_state(uow, state) for state in read_member_states()
        )
        uow.commit()
    return summary
