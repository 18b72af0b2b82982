"""The fighters' pages: a profile kept through its form (and a refused one shown again
with its error), a crossing submitted by form and its hits, the holder's board with the
alert and no place, the release under four eyes, and the counts' "fewer than"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from interagency.bootstrap import Container
from interagency.web.app import create_app
from tests.integration.movements.conftest import RASHAD_PASSPORT
from tests.integration.records.conftest import RASHAD_RU, Records, person
from tests.support.forms import submit as submit_form
from tests.support.identity import Council, sign_in, submit

PROFILE_FORM = {
    "status": "in_conflict_zone",
    "conflict_zone": "SYR",
    "departed_on": "2019-04-02",
    "status_since": "2019-05-01",
    "basis": "Crossed into Syria at Akcakale on 02.04.2019; seen in a camp video of 15.06.2019.",
    "basis_dated": "2019-06-15",
    "un_group": "QDe.115",
}


def _client(container: Container, council: Council, login: str) -> TestClient:
    client = TestClient(create_app(container))
    assert sign_in(client, council, login).status_code == 303
    return client


def test_a_profile_by_form_a_crossing_by_form_and_the_holders_alert(
    container: Container, council: Council, records: Records
) -> None:
    record = records.save("ru_liaison", person(RASHAD_RU)).record
    holder = _client(container, council, "ru_liaison")
    page = f"/movements/profiles/{record.public_id}"
    refused = submit_form(holder, page, page, {**PROFILE_FORM, "conflict_zone": "Syria"})
    assert refused.status_code == 422
    assert 'id="e-conflict_zone"' in refused.text
    kept = submit(holder, page, page, **PROFILE_FORM)
    assert kept.status_code == 303, kept.text
    assert "QDe.115" in holder.get(page).text
    assert "Гусейнов" in holder.get("/movements").text

    border = _client(container, council, "kz_liaison")
    when = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    fields = {**RASHAD_PASSPORT, "occurred_at": when, "crossing_point": "Nur Zholy",
              "direction": "entry", "protection": "none"}  # fmt: skip
    sent = submit(border, "/movements/crossings/new", "/movements/crossings", **fields)
    assert sent.status_code == 303, sent.text
    crossing = border.get(sent.headers["location"])
    assert "RU-SVC" in crossing.text
    assert "Nur Zholy" in crossing.text
    reference = crossing.text.split('href="/records/hits/')[1].split('"')[0]
    # The holder sees the hit, unchecked, and is offered no check: the border checks it.
    assert "Record the check" not in holder.get(f"/records/hits/{reference}").text
    hit_page = border.get(f"/records/hits/{reference}")
    assert "Record the check" in hit_page.text
    assert "never a request to arrest" in hit_page.text
    assert "Akcakale" not in hit_page.text
    assert "Akcakale" not in crossing.text
    checked = submit(border, f"/records/hits/{reference}", f"/records/hits/{reference}/check",
                     outcome="confirmed", how="Passport and photograph compared")  # fmt: skip
    assert checked.status_code == 303

    board = holder.get("/movements").text
    assert f'id="alert-{reference}"' in board
    assert "Nur Zholy" not in board
    crossing_page = sent.headers["location"]
    proposed = submit(border, crossing_page,
                      f"{crossing_page}/release/{reference}/propose")  # fmt: skip
    assert proposed.status_code == 303
    # The officer who proposed is not offered the approval.
    assert "Approve the release" not in border.get(crossing_page).text
    # Another agency's officer gets what an unknown crossing gets.
    assert holder.get(crossing_page).status_code == 404


def test_counts_under_five_are_shown_as_fewer_than(
    container: Container, council: Council, records: Records
) -> None:
    record = records.save("ru_liaison", person(RASHAD_RU)).record
    holder = _client(container, council, "ru_liaison")
    page = f"/movements/profiles/{record.public_id}"
    assert submit(holder, page, page, **PROFILE_FORM).status_code == 303
    text = _client(container, council, "sec_auditor").get("/movements/counts").text
    assert "2019-04" in text
    assert "fewer than 5" in text
