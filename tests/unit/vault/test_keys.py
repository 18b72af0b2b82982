"""The master key file: made on first use, private, and never lost during a rotation."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from interagency.vault.keys import FileKeyProvider, KeyUnavailable, key_id_of

DATA_KEY = bytes(range(32))
CONTEXT = b"agency:1:version:1"


def test_the_key_file_is_made_on_first_use_readable_by_the_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "vault-master.key"
    provider = FileKeyProvider(path)
    assert not path.exists()
    key_id = provider.current_key_id()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_bytes()) == 32
    assert key_id == key_id_of(path.read_bytes())
    assert FileKeyProvider(path).current_key_id() == key_id


def test_a_wrapped_key_unwraps_only_with_its_context(tmp_path: Path) -> None:
    provider = FileKeyProvider(tmp_path / "vault-master.key")
    wrapped = provider.wrap(DATA_KEY, context=CONTEXT)
    assert DATA_KEY not in wrapped.wrapped
    assert provider.unwrap(wrapped, context=CONTEXT) == DATA_KEY
    with pytest.raises(KeyUnavailable):
        provider.unwrap(wrapped, context=b"agency:2:version:1")


def test_a_key_wrapped_under_an_unknown_master_key_is_reported(tmp_path: Path) -> None:
    elsewhere = FileKeyProvider(tmp_path / "other" / "vault-master.key")
    wrapped = elsewhere.wrap(DATA_KEY, context=CONTEXT)
    provider = FileKeyProvider(tmp_path / "vault-master.key")
    with pytest.raises(KeyUnavailable, match="restore its file"):
        provider.unwrap(wrapped, context=CONTEXT)


def test_a_rotation_keeps_every_key_that_wrapped_something(tmp_path: Path) -> None:
    path = tmp_path / "vault-master.key"
    provider = FileKeyProvider(path)
    under_old = provider.wrap(DATA_KEY, context=CONTEXT)
    old_id = under_old.master_key_id

    new_id = provider.begin_rotation()
    assert new_id != old_id
    # Until the rotation finishes, the old key stays current: a crash here changes nothing.
    assert provider.current_key_id() == old_id
    # Resuming picks the same new key rather than making another.
    assert FileKeyProvider(path).begin_rotation() == new_id
    under_new = provider.wrap(DATA_KEY, context=CONTEXT, key_id=new_id)

    assert provider.finish_rotation() == old_id
    assert FileKeyProvider(path).current_key_id() == new_id
    assert (tmp_path / f"vault-master.retired-{old_id}.key").exists()
    assert not (tmp_path / "vault-master.next.key").exists()
    # A fresh process still opens what either key wrapped.
    fresh = FileKeyProvider(path)
    assert fresh.unwrap(under_old, context=CONTEXT) == DATA_KEY
    assert fresh.unwrap(under_new, context=CONTEXT) == DATA_KEY
    assert fresh.finish_rotation() is None


def test_a_rotation_interrupted_between_its_two_renames_resumes(tmp_path: Path) -> None:
    path = tmp_path / "vault-master.key"
    provider = FileKeyProvider(path)
    old_id = provider.current_key_id()
    new_id = provider.begin_rotation()
    # The first step of finishing (the old key linked as retired) already happened.
    (tmp_path / f"vault-master.retired-{old_id}.key").write_bytes(path.read_bytes())
    assert FileKeyProvider(path).finish_rotation() == old_id
    assert FileKeyProvider(path).current_key_id() == new_id
