"""Safeguards at every step: checked when data moves, bound to what was approved.

First the three cases found on the demo, each of which released personal data before the
gate existed; then a Hypothesis state machine over records, hits and requests in which no
personal data ever reaches an agency while the safeguards forbid the pair at that moment.
The machine's model of the safeguards is written here from the rules in words, not from
`records.policy`, so that the two can disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select, update

from interagency.db import utcnow
from interagency.errors import DomainError
from interagency.exchange.web_context import exchange_context
from interagency.records import details, movement, protection, services
from interagency.records import hits as hits_service
from interagency.records.models import DetailsStatus, Hit, Record
from interagency.records.schemas import (
    HitCheckIn,
    NeutralityIn,
    ReasonIn,
    RecordUpdate,
    VersionedReasonIn,
)
from tests.integration.records.conftest import Records, person
from tests.support.refusals import refused

RU, KZ = "RU", "KZ"
OFFICER = {RU: "ru_liaison", KZ: "kz_liaison"}
SUPERVISOR = {RU: "ru_supervisor", KZ: "kz_supervisor"}
SECOND_SUPERVISOR = {RU: "ru_supervisor2", KZ: "kz_supervisor"}
DPO = {RU: "ru_dpo", KZ: "kz_dpo"}
OTHER = {RU: KZ, KZ: RU}


def particulars(script: str) -> dict[str, str]:
    """One made-up person, written in Cyrillic or Latin."""
    return {
        "cyrillic": {"surname": "Гусейнов", "given_name": "Рашад"},
        "latin": {"surname": "Huseynov", "given_name": "Rashad"},
    }[script] | {"birth_date": "1985-03-14", "sex": "M"}


@dataclass
class World:
    """The test's own model of one record's safeguards (written from the rules in words)."""

    category: str = "suspect"
    flagged: bool = False
    cleared: bool = False
    necessity: bool = False
    refuge_from: str | None = None
    overdue: bool = False
    erased: bool = False

    def may_be_matched(self) -> bool:
        if self.erased or self.overdue:
            return False
        if self.category in ("victim", "witness") and not self.necessity:
            return False
        return not (self.flagged and not self.cleared)


def pair_allowed(a: World, a_side: str, b: World, b_side: str) -> bool:
    """Both may be matched, and neither person fled the other agency's state."""
    if not (a.may_be_matched() and b.may_be_matched()):
        return False
    return a.refuge_from != b_side and b.refuge_from != a_side


Pick = st.integers(min_value=0, max_value=7)  # an index into what exists, modulo its size


class SafeguardsMachine(RuleBasedStateMachine):
    """Two agencies of two states enter records of one person; hits come and go as the
    records change; the searching agency asks for details and the owner releases them.
    After every step: no movement went through while the model forbade its pair."""

    def __init__(self, records: Records) -> None:
        super().__init__()
        self.records = records
        self.container = records.container
        self.council = records.council
        self.model: dict[int, World] = {}
        self.side: dict[int, str] = {}
        self.names: dict[int, dict[str, str]] = {}
        self.hits: list[tuple[str, int, int]] = []  # (reference, searching, found)
        self.released: set[str] = set()
        for side in (RU, KZ):  # RU's first record is found by KZ's, which searches
            self._enter(side)
        assert self.hits, "the first two records of an example must hit"

    # --- helpers -------------------------------------------------------------------------

    def _enter(self, side: str) -> None:
        names = particulars("cyrillic" if side == RU else "latin")
        saved = self.records.save(OFFICER[side], person(names))
        record_id = saved.record.id
        self.model[record_id], self.side[record_id], self.names[record_id] = World(), side, names
        self._sync_hits()

    def _sync_hits(self) -> None:
        with self.container.uow() as uow:
            rows = uow.session.execute(
                select(Hit.reference, Hit.searching_record_id, Hit.found_record_id)
                .where(Hit.searching_record_id.in_(list(self.model)))
                .order_by(Hit.id)
            )
            self.hits = [(reference, s, f) for reference, s, f in rows]

    def _pick_record(self, pick: int) -> int:
        ids = sorted(self.model)
        return ids[pick % len(ids)]

    def _pick_hit(self, pick: int) -> tuple[str, int, int]:
        return self.hits[pick % len(self.hits)]

    def _record(self, record_id: int) -> Record:
        with self.container.uow() as uow:
            record = uow.session.get(Record, record_id)
            assert record is not None
            uow.session.expunge(record)
            return record

    def _act(self, login: str, action: Any) -> bool:
        """Runs `action(uow, caller)` as `login`; True when it went through."""
        with self.container.uow() as uow:
            try:
                action(uow, self.council.caller(uow, login))
            except DomainError:
                return False
            uow.commit()
        self._sync_hits()
        return True

    def _update(self, record_id: int, **changes: Any) -> bool:
        model, side = self.model[record_id], self.side[record_id]
        values = {
            "particulars": self.names[record_id],
            "subject_category": model.category,
            "refuge_from": model.refuge_from,
            **changes,
        }
        data = RecordUpdate.model_validate(
            {**person(**values).model_dump(mode="json"), "version": self._record(record_id).version}
        )
        context = self.records.context()
        return self._act(
            OFFICER[side],
            lambda uow, caller: services.update(uow, caller, context, record_id, data),
        )

    def _after_update(self, record_id: int, *, markings_changed: bool) -> None:
        # Any change sends a flagged record back to the board; an approval of necessity
        # covers the particulars and markings it saw.
        self.model[record_id].cleared = False
        if markings_changed:
            self.model[record_id].necessity = False

    def _allowed_now(self, searching: int, found: int) -> bool:
        return pair_allowed(
            self.model[searching], self.side[searching], self.model[found], self.side[found]
        )

    def _details_status(self, reference: str) -> str:
        with self.container.uow() as uow:
            status = uow.session.scalar(
                select(Hit.details_status).where(Hit.reference == reference)
            )
            assert status is not None
            return status

    # --- records entered and changed -----------------------------------------------------

    @precondition(lambda self: len(self.model) < 5)
    @rule(side=st.sampled_from([RU, KZ]))
    def create(self, side: str) -> None:
        self._enter(side)

    @rule(pick=Pick, other_person=st.booleans())
    def change_particulars(self, pick: int, other_person: bool) -> None:
        record_id = self._pick_record(pick)
        names = dict(self.names[record_id])
        names["given_name"] = names["given_name"] + ("ич" if other_person else "")
        if self._update(record_id, particulars=names):
            self.names[record_id] = names
            self._after_update(record_id, markings_changed=other_person)

    @rule(pick=Pick, category=st.sampled_from(["suspect", "victim", "witness"]))
    def change_category(self, pick: int, category: str) -> None:
        record_id = self._pick_record(pick)
        if self._update(record_id, subject_category=category):
            changed = category != self.model[record_id].category
            self.model[record_id].category = category
            self._after_update(record_id, markings_changed=changed)

    @rule(pick=Pick)
    def mark_refugee_from_the_other_state(self, pick: int) -> None:
        record_id = self._pick_record(pick)
        fled = OTHER[self.side[record_id]]
        if self._update(record_id, refuge_from=fled):
            self.model[record_id].refuge_from = fled
            self._after_update(record_id, markings_changed=False)

    @rule(pick=Pick)
    def flag(self, pick: int) -> None:
        record_id = self._pick_record(pick)
        version = self._record(record_id).version
        data = VersionedReasonIn(reason="Possibly political: to the board", version=version)
        login = OFFICER[self.side[record_id]]
        if self._act(login, lambda uow, caller: services.flag(uow, caller, record_id, data)):
            self.model[record_id].flagged = True
            self.model[record_id].cleared = False

    @rule(pick=Pick, cleared=st.booleans())
    def review(self, pick: int, cleared: bool) -> None:
        record_id = self._pick_record(pick)
        context = self.records.context()
        data = NeutralityIn(cleared=cleared, reason="Decided on the file as it stands")
        if self._act(
            "board_reviewer",
            lambda uow, caller: services.decide_neutrality(uow, caller, context, record_id, data),
        ):
            self.model[record_id].cleared = cleared

    @rule(pick=Pick)
    def approve_necessity(self, pick: int) -> None:
        record_id = self._pick_record(pick)
        side = self.side[record_id]
        version = self._record(record_id).version
        asked = VersionedReasonIn(reason="The only witness of the attack", version=version)
        context = self.records.context()
        if not self._act(
            OFFICER[side],
            lambda uow, caller: services.request_necessity(uow, caller, record_id, asked),
        ):
            return
        note = ReasonIn(reason="Strictly necessary: approved")
        if self._act(
            SUPERVISOR[side],
            lambda uow, caller: services.approve_necessity(uow, caller, context, record_id, note),
        ):
            self.model[record_id].necessity = True

    @rule(pick=Pick)
    def pass_the_review_date(self, pick: int) -> None:
        record_id = self._pick_record(pick)
        with self.container.uow() as uow:
            uow.session.execute(
                update(Record)
                .where(Record.id == record_id)
                .values(review_due=utcnow().date() - timedelta(days=1))
            )
            uow.commit()
        self.model[record_id].overdue = True

    @rule(pick=Pick)
    def erase(self, pick: int) -> None:
        record_id = self._pick_record(pick)
        side = self.side[record_id]
        if not self._act(
            DPO[side],
            lambda uow, caller: protection.request_erasure(uow, caller, record_id, "Art. 17 GDPR"),
        ):
            return
        if self._act(
            SUPERVISOR[side],
            lambda uow, caller: protection.approve_erasure(uow, caller, record_id),
        ):
            self.model[record_id].erased = True

    @rule()
    def daily_sweep(self) -> None:
        with self.container.uow() as uow:
            movement.sweep(uow, self.council.caller(uow, "ru_admin"))
            uow.commit()

    # --- the movements: each must fail while the model forbids its pair ------------------

    @rule(pick=Pick)
    def request_details(self, pick: int) -> None:
        reference, searching, found = self._pick_hit(pick)
        allowed = self._allowed_now(searching, found)
        context = exchange_context(self.container)
        went = self._act(
            OFFICER[self.side[searching]],
            lambda uow, caller: details.request(
                uow, caller, context, reference, "We must know who this is"
            ),
        )
        assert not (went and not allowed), "a request for details passed a forbidden pair"

    @rule(pick=Pick)
    def propose_release(self, pick: int) -> None:
        reference, searching, found = self._pick_hit(pick)
        allowed = self._allowed_now(searching, found)
        # The owner's officer confirms the hit first (a check moves nothing); found
        # confirmed or dismissed already, it stays as it is.
        check = HitCheckIn(confirmed=True, how="Compared with our file")
        self._act(
            OFFICER[self.side[found]],
            lambda uow, caller: hits_service.check(uow, caller, reference, check),
        )
        went = self._act(
            OFFICER[self.side[found]],
            lambda uow, caller: details.propose(uow, caller, reference, "Same person"),
        )
        assert not (went and not allowed), "a release was proposed for a forbidden pair"

    @rule(pick=Pick)
    def approve_release(self, pick: int) -> None:
        reference, searching, found = self._pick_hit(pick)
        allowed = self._allowed_now(searching, found)
        context = exchange_context(self.container)
        went = self._act(
            SECOND_SUPERVISOR[self.side[found]],
            lambda uow, caller: details.approve(uow, caller, context, reference),
        )
        assert not (went and not allowed), "details were released for a forbidden pair"
        if went:
            assert self._details_status(reference) == DetailsStatus.RELEASED.value
            self.released.add(reference)

    @rule(pick=Pick)
    def ask_propose_and_approve(self, pick: int) -> None:
        """The whole flow at once, as happens when nothing stands in its way; each step
        is still checked against the model on its own."""
        self.request_details(pick)
        self.propose_release(pick)
        self.approve_release(pick)

    def teardown(self) -> None:
        # The example's records leave the candidates of the next ones.
        with self.container.uow() as uow:
            uow.session.execute(
                update(Record)
                .where(Record.id.in_(list(self.model)))
                .values(erased_at=utcnow(), particulars_sealed=None)
            )
            uow.commit()


def test_no_personal_data_moves_while_the_safeguards_forbid_the_pair(records: Records) -> None:
    examples = 200 if records.container.settings.uses_sqlite else 60
    run_state_machine_as_test(
        lambda: SafeguardsMachine(records),
        settings=settings(max_examples=examples, stateful_step_count=10, deadline=None),
    )


# --- the three cases found on the demo -----------------------------------------------------


def _hit(records: Records) -> str:
    records.save(OFFICER[RU], person(particulars("cyrillic")))
    searching = records.save(OFFICER[KZ], person(particulars("latin")))
    assert searching.screening.hits, "the two records must hit"
    return searching.screening.hits[0].reference


def _request_and_propose(records: Records, reference: str) -> None:
    container, council = records.container, records.council
    with container.uow() as uow:
        caller = council.caller(uow, OFFICER[KZ])
        details.request(uow, caller, exchange_context(container), reference, "We must know")
        uow.commit()
    with container.uow() as uow:
        caller = council.caller(uow, OFFICER[RU])
        check = HitCheckIn(confirmed=True, how="Compared with our file")
        hits_service.check(uow, caller, reference, check)
        details.propose(uow, caller, reference, "Same person")
        uow.commit()


def _approve(records: Records, reference: str) -> None:
    container, council = records.container, records.council
    with container.uow() as uow:
        caller = council.caller(uow, SUPERVISOR[RU])
        details.approve(uow, caller, exchange_context(container), reference)
        uow.commit()


def test_a_record_flagged_after_its_hit_is_not_released(records: Records) -> None:
    reference = _hit(records)
    _request_and_propose(records, reference)
    with records.container.uow() as uow:
        found = uow.session.scalar(select(Hit.found_record_id).where(Hit.reference == reference))
        record = uow.session.get(Record, found)
        assert record is not None
        data = VersionedReasonIn(reason="Possibly political: to the board", version=record.version)
        services.flag(uow, records.council.caller(uow, OFFICER[RU]), record.id, data)
        uow.commit()
    with refused(DomainError) as carried:
        _approve(records, reference)
    assert [(e.action, e.actor_login) for e in carried] == [
        ("records:movement:release-approved", SUPERVISOR[RU])
    ]
    assert records.audit("records:movement:release-approved") == []  # nothing carried out


def test_a_refugees_record_is_never_released_to_the_state_they_fled(records: Records) -> None:
    """The owner marks its person a refugee from the searching agency's state after the
    hit: the request, the proposal and the release all stop at the gate, and the searching
    agency sees only what an expired hit shows."""
    reference = _hit(records)
    container, council = records.container, records.council
    with container.uow() as uow:
        found = uow.session.scalar(select(Hit.found_record_id).where(Hit.reference == reference))
        record = uow.session.get(Record, found)
        assert record is not None
        version = record.version
    data = RecordUpdate.model_validate(
        {
            **person(particulars("cyrillic"), refuge_from=KZ).model_dump(mode="json"),
            "version": version,
        }
    )
    with container.uow() as uow:
        services.update(uow, council.caller(uow, OFFICER[RU]), records.context(), found, data)
        uow.commit()
    with container.uow() as uow:
        caller = council.caller(uow, OFFICER[KZ])
        context = exchange_context(container)
        with pytest.raises(DomainError) as refused:
            details.request(uow, caller, context, reference, "We must know")
    assert refused.value.message == "There is no hit {ref}."
    # The owner was told; the other agency still sees the hit until the daily sweep, ...
    told = [kind for kind, _ in records.notices(SUPERVISOR[RU])]
    assert "records:hits-withdrawn" in told
    assert "records:hits-withdrawn" not in [kind for kind, _ in records.notices(OFFICER[KZ])]
    with container.uow() as uow:
        view = hits_service.view(uow, council.caller(uow, OFFICER[KZ]), reference)
        assert view.withdrawn is False  # nothing tells KZ why, or that it was a change
        owner_view = hits_service.view(uow, council.caller(uow, OFFICER[RU]), reference)
        assert owner_view.withdrawn is True
    # ... which expires it for both sides, as it expires a hit past its review date.
    with container.uow() as uow:
        assert movement.sweep(uow, council.caller(uow, "ru_admin")) == [reference]
        uow.commit()
    with container.uow() as uow, pytest.raises(DomainError):
        hits_service.view(uow, council.caller(uow, OFFICER[KZ]), reference)


def test_an_approval_of_necessity_does_not_survive_new_particulars(records: Records) -> None:
    """A supervisor approves matching a witness's record; the officer then puts another
    person's particulars in it: the approval is withdrawn, and the record is not matched
    until a supervisor approves again."""
    container, council = records.container, records.council
    witness = records.save(OFFICER[RU], person(particulars("cyrillic"), subject_category="witness"))
    record_id = witness.record.id
    with container.uow() as uow:
        version = uow.session.get(Record, record_id).version  # type: ignore[union-attr]
        caller = council.caller(uow, OFFICER[RU])
        asked = VersionedReasonIn(reason="The only witness of the attack", version=version)
        services.request_necessity(uow, caller, record_id, asked)
        uow.commit()
    with container.uow() as uow:
        caller = council.caller(uow, SUPERVISOR[RU])
        note = ReasonIn(reason="Strictly necessary: approved")
        services.approve_necessity(uow, caller, records.context(), record_id, note)
        uow.commit()
    other = {**particulars("cyrillic"), "surname": "Другой", "given_name": "Человек"}
    with container.uow() as uow:
        version = uow.session.get(Record, record_id).version  # type: ignore[union-attr]
    data = RecordUpdate.model_validate(
        {**person(other, subject_category="witness").model_dump(mode="json"), "version": version}
    )
    with container.uow() as uow:
        services.update(uow, council.caller(uow, OFFICER[RU]), records.context(), record_id, data)
        uow.commit()
    with container.uow() as uow:
        record = uow.session.get(Record, record_id)
        assert record is not None
        assert record.necessity_approved_by_id is None
    assert ("records:necessity:withdraw", "ok", OFFICER[RU]) in records.audit("records:necessity")
    # The new person is not matched: the searching agency's record of them finds nothing.
    found = records.save(
        OFFICER[KZ], person({**other, "surname": "Drugoy", "given_name": "Chelovek"})
    )
    assert found.screening.hits == ()


def test_every_movement_has_its_service_and_none_skips_the_gate() -> None:
    """The registry that the gate and this test both read: every kind of movement is
    performed by a declared service, every service of the records feature that sends
    anything to another agency through the exchange is declared, and a declared service
    that forgot the gate fails instead of moving anything."""
    import ast
    import inspect

    from interagency.screening import service as screening

    assert screening.store_hit  # (imported: its declaration is registered)
    assert {m for m, names in movement.MOVERS.items() if names} == set(movement.Movement)
    package = inspect.getsourcefile(movement)
    assert package is not None
    folder = __import__("pathlib").Path(package).parent
    undeclared = []
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef):
                continue
            sends = any(
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "send"
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id == "exchange"
                for call in ast.walk(node)
            )
            declared = any(
                isinstance(d, ast.Call) and getattr(d.func, "id", None) == "moves"
                for d in node.decorator_list
            )
            if sends and not declared:
                undeclared.append(f"{path.name}:{node.name}")
    assert undeclared == []

    @movement.moves(movement.Movement.DETAILS_REQUESTED)
    def forgetful() -> str:
        return "particulars"

    try:
        with pytest.raises(RuntimeError, match="past the gate"):
            forgetful()
    finally:
        movement.MOVERS[movement.Movement.DETAILS_REQUESTED].remove(
            f"{forgetful.__module__}.{forgetful.__qualname__}"
        )
