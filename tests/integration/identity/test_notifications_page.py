"""Every notification the code sends reads as a sentence in the reader's language: the
kinds are found in the code itself, so a new one without its sentence is caught."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from fastapi.testclient import TestClient

from interagency.bootstrap import Container
from interagency.identity import notifications
from tests.support.identity import Council, sign_in

SOURCE = Path(__file__).resolve().parents[3] / "src" / "interagency"


def sent_kinds() -> set[str]:
    """The kind of every `notify(...)` call in the code; for a kind built from a value
    (f"exchange:{event}"), its fixed start with a made-up ending."""
    kinds: set[str] = set()
    for module in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 3:
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            kind = node.args[2]
            if name != "notify":
                continue
            if isinstance(kind, ast.Constant) and isinstance(kind.value, str):
                kinds.add(kind.value)
            elif isinstance(kind, ast.JoinedStr) and isinstance(kind.values[0], ast.Constant):
                kinds.add(f"{kind.values[0].value}unheard-of")
    return kinds


def test_the_walk_finds_the_kinds_the_code_sends() -> None:
    kinds = sent_kinds()
    assert {"records:hit", "records:hit-on-yours", "break-glass:opened"} <= kinds
    assert any(kind.startswith("exchange:") for kind in kinds)


def test_every_notification_reads_as_a_russian_sentence(
    client: TestClient, container: Container, council: Council
) -> None:
    kinds = sorted(sent_kinds())
    params = {
        "reference": "HIT-7Q2M",
        "record": "7q2m",
        "references": [],
        "login": "ru_analyst",
        "due": "2026-12-08T10:00",
        "hits": 3,
    }
    with container.uow() as uow:
        user = council.users["ru_liaison"]
        for kind in kinds:
            notifications.notify(uow, [user], kind, params, "/records/hits")
        uow.commit()
    sign_in(client, council, "ru_liaison")
    page = client.get("/notifications", headers={"Accept-Language": "ru"}).text
    items = re.findall(r"<li[^>]*>(.*?)</li>", page, re.S)
    texts = [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]
    assert len(texts) >= len(kinds)
    for kind in kinds:
        assert not any(kind in text for text in texts), kind
    # The link is a word apart from the sentence before it.
    linked = [item for item in items if "Открыть" in item]
    assert linked
    assert all(re.search(r"\s<a [^>]*>Открыть</a>", item) for item in linked)
