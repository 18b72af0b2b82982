"""Encryption at rest: after a thread is sent, answered and read, no row of any table holds
its subject, body or restriction, any word of them, or any word's stem, in any encoding
the database or a JSON column could store it in."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

from sqlalchemy import MetaData, select

from interagency.exchange import queries, services
from interagency.exchange.schemas import ReplyIn
from interagency.markings import HandlingCode, Tlp
from interagency.vault.blind_index import tokens
from tests.support.exchange import Address, Exchange

SUBJECT = "Шпионская сводка Ёлкина о Вертолётной площадке"
BODY = "Перевозчик Желтобрюхов передал контрабандистам поддельные паспорта серии ЖЗ."
RESTRICTION = "Недопустимо сообщать Прокуратуре Каракалпакстана"
REPLY = "Желтобрюхов задержан на Вертолётной площадке вечером."
TEXTS = (SUBJECT, BODY, RESTRICTION, REPLY)


def _needles() -> set[str]:
    """Every text, every word of five letters or more, and every stem the index makes."""
    found: set[str] = set(TEXTS)
    for text in TEXTS:
        found |= {word.strip(".,") for word in text.split() if len(word.strip(".,")) >= 5}
        found |= {stem for stem in tokens(text) if len(stem) >= 5}
    forms: set[str] = set()
    for needle in found:
        for form in (needle, needle.casefold(), needle.replace("ё", "е").casefold()):
            forms.add(form)
            # As a JSON column or canonical JSON text with ASCII escapes would hold it.
            forms.add(json.dumps(form)[1:-1])
    return forms


def _unkeyed_hashes() -> set[str]:
    """What an index without a key would store: plain hashes of the stems."""
    stems = {stem for text in TEXTS for stem in tokens(text)}
    hashes: set[str] = set()
    for stem in stems:
        digest = hashlib.sha256(stem.encode("utf-8")).hexdigest()
        hashes |= {digest, digest[:32], hashlib.md5(stem.encode()).hexdigest()}  # noqa: S324
    return hashes


def _cells(exchange: Exchange) -> Iterator[tuple[str, str, str]]:
    """(table, column, text) for every non-empty cell of every table, bytes decoded."""
    with exchange.container.uow() as uow:
        metadata = MetaData()
        metadata.reflect(uow.session.connection())
        assert "exchange_threads" in metadata.tables
        for table in metadata.sorted_tables:
            for row in uow.session.execute(select(table)).mappings():
                for column, value in row.items():
                    if value is None:
                        continue
                    if isinstance(value, bytes | memoryview):
                        raw = bytes(value)
                        yield table.name, column, raw.decode("utf-8", errors="replace")
                        yield table.name, column, raw.decode("utf-16-le", errors="replace")
                    elif isinstance(value, dict | list):
                        yield table.name, column, json.dumps(value, ensure_ascii=False)
                        yield table.name, column, json.dumps(value)
                    else:
                        yield table.name, column, str(value)


def _exchange_everything(exchange: Exchange) -> None:
    sent = exchange.send(
        "a_ct_liaison_officer", [Address("B", desk="CT"), Address("C")], tlp=Tlp.AMBER,
        handling=HandlingCode.H3, from_desk="CT", subject=SUBJECT, body=BODY,
        restriction=RESTRICTION, case_numbers=["KZ-2026-0042"],
    )  # fmt: skip
    with exchange.container.uow() as uow:
        caller = exchange.caller(uow, "b_ct_analyst")
        queries.thread_view(uow, caller, exchange.context, sent.id)
        services.reply(
            uow, caller, exchange.context, sent.id,
            ReplyIn(body=REPLY, tlp=Tlp.AMBER, handling_code=HandlingCode.H3,
                    restriction=RESTRICTION),
        )  # fmt: skip
        services.acknowledge(
            uow, exchange.caller(uow, "c_ct_analyst"), exchange.context, sent.id, None
        )
        uow.commit()
    with exchange.container.uow() as uow:
        shown = queries.thread_view(
            uow, exchange.caller(uow, "c_ct_analyst"), exchange.context, sent.id
        )
        uow.commit()
    # The content is there, for those who may read it.
    assert shown.subject == SUBJECT
    assert [m.body for m in shown.messages] == [BODY, REPLY]
    assert shown.restriction == RESTRICTION


def test_no_table_holds_the_content_in_plaintext(exchange: Exchange) -> None:
    _exchange_everything(exchange)
    needles = _needles()
    found = sorted(
        {
            (table, column, needle)
            for table, column, text in _cells(exchange)
            for needle in needles
            if needle in text
        }
    )
    assert found == []


def test_the_index_stores_keyed_terms_not_the_words_or_their_plain_hashes(
    exchange: Exchange,
) -> None:
    _exchange_everything(exchange)
    cells = list(_cells(exchange))
    terms = {
        text for table, column, text in cells if (table, column) == ("exchange_index_terms", "term")
    }
    assert len(terms) > 20  # the index is there
    assert not terms & _unkeyed_hashes()
    assert all(len(term) == 32 and int(term, 16) >= 0 for term in terms)
    stems = {stem for text in TEXTS for stem in tokens(text)}
    assert not terms & stems


def test_the_scan_would_see_plaintext_if_it_were_stored(exchange: Exchange) -> None:
    # The control: the scan reads every table, so a plaintext note is found.
    with exchange.container.uow() as uow:
        from interagency.identity.models import User

        user = uow.session.get(User, exchange.users["a_ct_analyst"])
        assert user is not None
        user.full_name = SUBJECT
        uow.commit()
    hits = {(table, column) for table, column, text in _cells(exchange) if SUBJECT in text}
    assert hits == {("users", "full_name")}
