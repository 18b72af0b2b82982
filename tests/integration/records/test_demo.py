"""The demo's shared records: every member agency holds some, every category appears, the
same made-up people in other scripts are hits, and the safeguards keep the protected ones
out."""

from __future__ import annotations

import json

from sqlalchemy import select

from interagency.bootstrap import Container
from interagency.demo import load_demo
from interagency.identity.models import Agency, AgencyKind
from interagency.records.demo import DEMO_FILE
from interagency.records.models import Hit, Record, SubjectCategory


def test_the_demo_records_show_hits_and_safeguards(container: Container) -> None:
    first = load_demo(container)
    entries = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["records"]
    assert first.added["shared records"] == len(entries)
    assert load_demo(container).added["shared records"] == 0

    with container.uow() as uow:
        records = uow.session.scalars(select(Record)).all()
        # Between records: the fighters' demo adds crossings' hits on profiles.
        hits = uow.session.scalars(
            select(Hit).where(
                Hit.searching_record_id.is_not(None), Hit.found_record_id.is_not(None)
            )
        ).all()
        # Detached before the unit of work ends, so they keep what was read.
        uow.session.expunge_all()
        members = set(
            uow.session.scalars(
                select(Agency.id).where(Agency.kind == AgencyKind.MEMBER_AGENCY.value)
            )
        )
    assert {r.owner_agency_id for r in records} == members
    assert {r.subject_category for r in records} == {c.value for c in SubjectCategory}
    assert {r.kind for r in records} >= {"person", "document", "vehicle", "phone", "organisation"}
    paired = {frozenset((h.searching_record_id, h.found_record_id)) for h in hits}
    by_name = {}
    for entry, record in zip(entries, sorted(records, key=lambda r: r.id), strict=True):
        name = entry["particulars"].get("surname") or entry["particulars"].get("full_name")
        by_name.setdefault(name or entry["particulars"].get("number"), []).append(record)
    # The same made-up people, written in other scripts by other agencies, are hits...
    for first_name, second_name in [
        ("Саидов", "SAIDOV TIMUR"),
        ("Казарян", "Ղազարյան"),
        ("ბერიძე", "Беридзе"),
        ("Məmmədov", "Мамедов"),
        ("Сейтқазиев", "Seitkaziyev"),
    ]:
        pair = frozenset((by_name[first_name][0].id, by_name[second_name][0].id))
        assert pair in paired, (first_name, second_name)
    # ... but not the trafficked girl (a victim), the refugee, nor the unreviewed cases.
    protected = [
        *by_name["Жумабекова"],
        *by_name["Абдуллаев"],
        *by_name["Кавалёў"],
        *by_name["Турсунов"],
    ]
    touched = {i for pair in paired for i in pair}
    assert not touched & {r.id for r in protected}
    assert {r.neutrality for r in by_name["Турсунов"] + by_name["Кавалёў"]} == {"pending"}
    assert any(h.details_status == "requested" for h in hits)
    assert all(h.status == "new" for h in hits)
