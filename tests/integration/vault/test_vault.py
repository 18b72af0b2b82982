"""The vault on both databases: lazy per-agency keys, sealing, the blind index, rotation."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from interagency.bootstrap import Container
from interagency.vault import FileKeyProvider, Tampered, Vault
from interagency.vault import sealed as formats
from interagency.vault.models import AgencyDataKey
from interagency.vault.services import key_status, rewrap_all, rotate_data_keys
from tests.support.identity import Council

BODY = "Прошу проверить паспорт 4509 123456 — forged passport suspected"


MASTER_KEY = Path("keys") / "vault-master.key"


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return Vault(FileKeyProvider(tmp_path / MASTER_KEY))


@dataclass(frozen=True)
class KeyRow:
    version: int
    master_key_id: str
    wrapped_key: bytes
    retired: bool


def key_rows(container: Container, agency_id: int) -> list[KeyRow]:
    with container.uow() as uow:
        return [
            KeyRow(row.version, row.master_key_id, row.wrapped_key, row.retired_at is not None)
            for row in uow.session.scalars(
                select(AgencyDataKey)
                .where(AgencyDataKey.agency_id == agency_id)
                .order_by(AgencyDataKey.version)
            )
        ]


def test_sealing_makes_the_agencys_first_key_and_opens_again(
    container: Container, council: Council, vault: Vault
) -> None:
    ru = council.agencies["RU-SVC"]
    assert key_rows(container, ru) == []
    with container.uow() as uow:
        box = vault.seal_text(uow.session, ru, BODY, context="message:1:body")
        uow.commit()
    rows = key_rows(container, ru)
    assert [row.version for row in rows] == [1]
    assert rows[0].master_key_id == vault.provider.current_key_id()
    assert BODY.encode() not in box
    # A new process (no cached key) opens it from the wrapped key in the database.
    fresh = Vault(vault.provider)
    with container.uow() as uow:
        assert fresh.open_text(uow.session, ru, box, context="message:1:body") == BODY


def test_one_agencys_content_does_not_open_as_another_agencys_or_another_rows(
    container: Container, council: Council, vault: Vault
) -> None:
    ru, kz = council.agencies["RU-SVC"], council.agencies["KZ-SVC"]
    with container.uow() as uow:
        box = vault.seal(uow.session, ru, b"secret", context="message:1:body")
        vault.seal(uow.session, kz, b"other", context="message:2:body")
        with pytest.raises(Tampered):
            vault.open(uow.session, kz, box, context="message:1:body")
        with pytest.raises(Tampered):
            vault.open(uow.session, ru, box, context="message:2:body")


def test_each_agency_gets_its_own_key(container: Container, council: Council, vault: Vault) -> None:
    with container.uow() as uow:
        for code in ("RU-SVC", "KZ-SVC"):
            vault.seal(uow.session, council.agencies[code], b"x", context="c")
        uow.commit()
    wrapped = {
        row.wrapped_key
        for code in ("RU-SVC", "KZ-SVC")
        for row in key_rows(container, council.agencies[code])
    }
    assert len(wrapped) == 2


def test_a_key_made_in_a_rolled_back_transaction_does_not_linger(
    container: Container, council: Council, vault: Vault
) -> None:
    ru = council.agencies["RU-SVC"]
    with container.uow() as uow:
        vault.seal(uow.session, ru, b"never stored", context="c")
        # no commit: the key row goes with the content
    assert key_rows(container, ru) == []
    # Another process makes the key that does get committed...
    other = Vault(vault.provider)
    with container.uow() as uow:
        box = other.seal(uow.session, ru, b"stored", context="c")
        uow.commit()
        sealer = other.stream_sealer(uow.session, ru, context="file")
        digest = hashlib.sha256(b"a file").digest()
        assert sealer.update(b"a file") == b""  # short: all of it is in the last chunk
        last_chunk = sealer.finish(digest)
    # ...and this process, which made and discarded a key of its own, opens its content:
    # a file as well as a value.
    with container.uow() as uow:
        opener = vault.stream_opener(uow.session, ru, sealer.header, context="file", sha256=digest)
        assert opener.open_chunk(0, last_chunk, final=True) == b"a file"
        assert vault.open(uow.session, ru, box, context="c") == b"stored"
        again = vault.seal(uow.session, ru, b"again", context="c")
        assert other.open(uow.session, ru, again, context="c") == b"again"


def test_data_key_rotation_seals_new_content_with_the_new_version(
    container: Container, council: Council, vault: Vault
) -> None:
    ru, kz = council.agencies["RU-SVC"], council.agencies["KZ-SVC"]
    with container.uow() as uow:
        old = vault.seal(uow.session, ru, b"old", context="c")
        vault.seal(uow.session, kz, b"kz", context="c")
        terms_before = vault.index_terms(uow.session, ru, BODY)
        uow.commit()
    with container.uow() as uow:
        assert rotate_data_keys(uow.session, vault.provider) == {ru: 2, kz: 2}
        uow.commit()
    with container.uow() as uow:
        new = vault.seal(uow.session, ru, b"new", context="c")
        assert formats.value_key_version(old) == 1
        assert formats.value_key_version(new) == 2
        assert vault.open(uow.session, ru, old, context="c") == b"old"
        assert vault.open(uow.session, ru, new, context="c") == b"new"
        # The blind index does not change: stored terms keep matching.
        assert vault.index_terms(uow.session, ru, BODY) == terms_before
    rows = key_rows(container, ru)
    assert [row.version for row in rows] == [1, 2]
    assert rows[0].retired
    assert not rows[1].retired
    with container.uow() as uow:
        statuses = {status.agency_id: status for status in key_status(uow.session)}
    assert statuses[ru].current_version == 2
    assert statuses[ru].versions == 2


def test_master_key_rotation_rewraps_every_data_key_and_loses_nothing(
    container: Container, council: Council, vault: Vault, tmp_path: Path
) -> None:
    ru, kz = council.agencies["RU-SVC"], council.agencies["KZ-SVC"]
    provider = vault.provider
    with container.uow() as uow:
        boxes = {agency: vault.seal(uow.session, agency, b"v1", context="c") for agency in (ru, kz)}
        rotate_data_keys(uow.session, provider)
        boxes2 = {
            agency: vault.seal(uow.session, agency, b"v2", context="c") for agency in (ru, kz)
        }
        terms = vault.query_terms(uow.session, ru, "паспорт")
        uow.commit()
    old_id = provider.current_key_id()
    new_id = provider.begin_rotation()
    with container.uow() as uow:
        assert rewrap_all(uow.session, provider, new_id) == 4
        uow.commit()
    assert provider.finish_rotation() == old_id
    # A process started after the rotation holds only the new master key file.
    assert key_rows(container, ru)[0].master_key_id == new_id
    fresh = Vault(FileKeyProvider(tmp_path / MASTER_KEY))
    assert fresh.provider.current_key_id() == new_id
    with container.uow() as uow:
        for agency in (ru, kz):
            assert fresh.open(uow.session, agency, boxes[agency], context="c") == b"v1"
            assert fresh.open(uow.session, agency, boxes2[agency], context="c") == b"v2"
        assert fresh.query_terms(uow.session, ru, "паспорта") == terms
        count = uow.session.scalar(
            select(func.count()).where(AgencyDataKey.master_key_id != new_id)
        )
        assert count == 0


def test_query_terms_match_index_terms_of_the_same_agency_only(
    container: Container, council: Council, vault: Vault
) -> None:
    ru, kz = council.agencies["RU-SVC"], council.agencies["KZ-SVC"]
    with container.uow() as uow:
        indexed = vault.index_terms(uow.session, ru, "Серия поддельных паспортов")
        assert set(vault.query_terms(uow.session, ru, "паспорт")) <= indexed
        assert not set(vault.query_terms(uow.session, kz, "паспорт")) & indexed


def test_an_opaque_reference_is_stable_for_one_agency_and_unrelated_across_two(
    container: Container, council: Council, vault: Vault
) -> None:
    ru, kz = council.agencies["RU-SVC"], council.agencies["KZ-SVC"]
    with container.uow() as uow:
        first = vault.reference(uow.session, ru, "record:17")
        assert len(first) == 16
        assert vault.reference(uow.session, ru, "record:17") == first
        assert vault.reference(uow.session, ru, "record:18") != first
        assert vault.reference(uow.session, kz, "record:17") != first
        # Neither a plain digest of the name nor an index term of it.
        assert first not in hashlib.sha256(b"record:17").hexdigest()
        terms = vault.index_terms(uow.session, ru, "record:17")
        assert terms
        assert not any(term.startswith(first) for term in terms)
