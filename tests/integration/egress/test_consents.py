"""An agency's supervisor records its consents to third parties, for its own agency only;
its supervisors and DPOs list them; the gate honours them at the moment data leaves."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from interagency.db import new_public_id
from interagency.egress import Door, Item, release, services, to_third_party
from interagency.egress.models import Consent
from interagency.egress.schemas import ConsentIn, ObjectKind
from interagency.errors import Conflict, Forbidden, InvalidInput, NotFound
from interagency.markings import HandlingCode, Tlp
from tests.integration.egress.conftest import Gate
from tests.support.audit_trail import audit_actions
from tests.support.refusals import refused


def consent(party: str, **changes: object) -> ConsentIn:
    return ConsentIn.model_validate({"third_party": party, "object_kind": "thread"} | changes)


def record(gate: Gate, login: str, data: ConsentIn) -> int:
    with gate.container.uow() as uow:
        row = services.record_consent(uow, gate.caller(uow, login), data)
        uow.commit()
        return row.id


def listed(gate: Gate, login: str) -> list[tuple[str, ObjectKind, str | None, bool]]:
    with gate.container.uow() as uow:
        rows = services.list_consents(uow, gate.caller(uow, login))
        uow.commit()
    return [(r.agency, r.object_kind, r.object_ref, r.withdrawn_at is None) for r in rows]


def test_a_supervisor_consents_for_the_agency_and_its_dpo_sees_it(gate: Gate) -> None:
    party = gate.register()
    one_thread = new_public_id()
    record(gate, "ru_supervisor", consent(party))
    record(gate, "ru_supervisor", consent(party, object_kind="record", object_ref=one_thread))
    expected = [
        ("RU-SVC", ObjectKind.RECORD, one_thread, True),
        ("RU-SVC", ObjectKind.THREAD, None, True),
    ]
    assert sorted(listed(gate, "ru_supervisor")) == sorted(expected)
    assert sorted(listed(gate, "ru_dpo")) == sorted(expected)
    assert listed(gate, "kz_supervisor") == []
    assert listed(gate, "kz_dpo") == []
    assert [a for a, _, _ in audit_actions(gate.container, "egress:consent:record")] == [
        "egress:consent:record",
        "egress:consent:record",
    ]


def test_nobody_records_a_consent_for_another_agency(gate: Gate) -> None:
    party = gate.register()
    with gate.container.uow() as uow, refused() as events:
        services.record_consent(
            uow, gate.caller(uow, "ru_supervisor"), consent(party, agency="KZ-SVC")
        )
    assert events[0].action == "egress:consent:record"
    assert listed(gate, "kz_supervisor") == []
    # Naming one's own agency is the same as naming none.
    record(gate, "kz_supervisor", consent(party, agency="KZ-SVC"))
    assert listed(gate, "kz_supervisor") == [("KZ-SVC", ObjectKind.THREAD, None, True)]


@pytest.mark.parametrize("login", ["ru_liaison", "ru_analyst", "ru_dpo", "ru_admin", "sec_officer"])
def test_only_a_supervisor_consents(gate: Gate, login: str) -> None:
    party = gate.register()
    with gate.container.uow() as uow, refused():
        services.record_consent(uow, gate.caller(uow, login), consent(party))


@pytest.mark.parametrize("login", ["ru_liaison", "ru_admin", "ru_auditor"])
def test_only_supervisors_and_dpos_list_consents(gate: Gate, login: str) -> None:
    with gate.container.uow() as uow, refused():
        services.list_consents(uow, gate.caller(uow, login))


def test_a_consent_names_a_registered_third_party_once(gate: Gate) -> None:
    party = gate.register()
    record(gate, "ru_supervisor", consent(party))
    with gate.container.uow() as uow:
        ru = gate.caller(uow, "ru_supervisor")
        with pytest.raises(Conflict):
            services.record_consent(uow, ru, consent(party))
        with pytest.raises(InvalidInput):
            services.record_consent(uow, ru, consent(new_public_id()))
        with pytest.raises(InvalidInput):
            services.record_consent(uow, ru, consent(party, agency="NO-SUCH"))


def test_a_withdrawal_by_another_agency_is_answered_as_a_missing_consent(gate: Gate) -> None:
    party = gate.register()
    key = record(gate, "ru_supervisor", consent(party))
    with gate.container.uow() as uow, refused(NotFound) as events:
        services.withdraw_consent(uow, gate.caller(uow, "kz_supervisor"), key)
    assert events[0].action == "egress:consent:withdraw"
    with gate.container.uow() as uow, refused(Forbidden):
        services.withdraw_consent(uow, gate.caller(uow, "ru_dpo"), key)
    with gate.container.uow() as uow:
        services.withdraw_consent(uow, gate.caller(uow, "ru_supervisor"), key)
        uow.commit()
    assert listed(gate, "ru_dpo") == [("RU-SVC", ObjectKind.THREAD, None, False)]
    with gate.container.uow() as uow:
        row = uow.session.scalar(select(Consent).where(Consent.id == key))
        assert row is not None
        assert row.withdrawn_by_id == gate.council.users["ru_supervisor"]
        with pytest.raises(Conflict):
            services.withdraw_consent(uow, gate.caller(uow, "ru_supervisor"), key)


def test_the_gate_lets_another_agencys_data_out_only_while_it_consents(gate: Gate) -> None:
    party = gate.register()
    thread = Item(
        kind="thread", ref=new_public_id(), owner_agency_id=gate.council.agencies["RU-SVC"],
        tlp=Tlp.AMBER, handling=HandlingCode.H0,
    )  # fmt: skip

    def export_by_kz() -> None:
        with gate.container.uow() as uow:
            release(uow, gate.caller(uow, "kz_liaison"), Door.THREAD_FILE, [thread],
                    fmt="pdf", destination=to_third_party(party))  # fmt: skip
            uow.commit()

    with pytest.raises(Forbidden):
        export_by_kz()
    key = record(gate, "ru_supervisor", consent(party, object_ref=thread.ref))
    export_by_kz()
    with gate.container.uow() as uow:
        services.withdraw_consent(uow, gate.caller(uow, "ru_supervisor"), key)
        uow.commit()
    with pytest.raises(Forbidden):
        export_by_kz()
