"""Pages outside the exchange show markings as coloured pills too, not grey tags."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.identity import Council, sign_in


def test_the_rules_of_the_gate_show_each_level_in_its_colour(
    client: TestClient, council: Council
) -> None:
    sign_in(client, council, "ru_auditor")
    page = client.get("/exports").text
    assert '<span class="tlp tlp-red">TLP:RED</span>' in page
    assert '<span class="tlp tlp-amber">TLP:AMBER</span>' in page
    assert '<span class="tlp tlp-green">TLP:GREEN</span>' in page
    assert 'class="tag">TLP:' not in page
