"""A dump of the demo database holds none of the demo's content, in any table.

The content is read from the demo's own sources (the council's and the records' JSON,
the exchange's threads): every text a person wrote there. The dump is every row of every
table on PostgreSQL, and the database file with its WAL (free pages included) on SQLite.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from interagency import migrations
from interagency.bootstrap import bootstrap
from interagency.db import make_engine
from interagency.demo import load_demo
from interagency.exchange.demo import THREADS
from tests.support.databases import FreshDatabase, settings_for
from tests.support.dumps import dump

# Values of the demo's JSON that are codes, references or directory names, not writing.
NOT_WRITING = {"body", "offence_article", "_note", "author", "kind", "status", "code"}


def _prose(value: Any, key: str = "") -> Iterator[str]:
    """Every string written as prose (two words or more) in a JSON document."""
    if isinstance(value, dict):
        for name, inner in value.items():
            yield from _prose(inner, name)
    elif isinstance(value, list):
        for inner in value:
            yield from _prose(inner, key)
    elif isinstance(value, str) and key not in NOT_WRITING and " " in value.strip():
        yield value


def _json(package: str) -> Any:
    return json.loads(resources.files(package).joinpath("demo.json").read_text("utf-8"))


def demo_writing() -> set[str]:
    texts = set(_prose(_json("interagency.council"))) | set(_prose(_json("interagency.records")))
    for thread in THREADS:
        texts |= {str(thread.data["subject"]), str(thread.data["body"])}
        texts |= {reply.body for reply in thread.replies}
        if thread.onward_request is not None:
            texts.add(thread.onward_request[2])
    return {text for text in texts if len(text) >= 12}


def test_a_dump_of_the_demo_database_holds_none_of_its_writing(
    fresh_database: FreshDatabase, tmp_path: Path
) -> None:
    writing = demo_writing()
    # The issue's own examples are among them: a dissemination reason and a purpose.
    assert any(text.startswith("Один из выявленных паспортов") for text in writing)
    assert "Возвращение иностранного боевика-террориста из зоны конфликта" in writing
    with fresh_database() as url:
        migrations.upgrade(url)
        engine = make_engine(url)
        try:
            settings = settings_for(
                url,
                key_dir=tmp_path / "keys",
                audit_witness_file=tmp_path / "keys" / "witness.jsonl",
                attachment_dir=tmp_path / "attachments",
            )
            load_demo(bootstrap(settings, engine=engine))
            contents = dump(url, engine)
        finally:
            engine.dispose()

    assert b"RU-FSB" in contents  # the directory is plain: the dump was read
    leaked = sorted(text[:60] for text in writing if text.encode("utf-8") in contents)
    assert leaked == []
