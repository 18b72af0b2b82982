"""The vault: seals and opens content under per-agency data keys, and makes blind-index terms.

Data keys are made on first use per agency, stored only wrapped by the master key
(`keys.KeyProvider`), and kept unwrapped in this process's memory so that sealing costs
one small query and one AES-GCM call. Rotation: `rotate_master_key` re-wraps every data
key under a new master key; `rotate_data_keys` gives every agency a new data-key version
(new content is sealed with it, old content still opens with its own version).

The blind-index key of an agency is derived (HKDF-SHA-256) from version 1 of its data
key. Data-key rotation adds versions and never removes version 1, so the index key and
every stored term stay valid; master-key rotation does not change data keys at all.

The council's matching key (`matching_terms`) is one random key for all agencies, made on
first use and stored wrapped like a data key: screening compares subjects of different
agencies, so their keys must be hashed alike, and a database dump alone cannot test a
guessed name against them.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from interagency.db import utcnow
from interagency.vault import blind_index, sealed
from interagency.vault.keys import KEY_BYTES, KeyProvider, WrappedKey
from interagency.vault.models import AgencyDataKey, CouncilKey
from interagency.vault.sealed import Tampered

_INDEX_KEY_INFO = b"interagency blind index v1"
_REFERENCE_KEY_INFO = b"interagency opaque references v1"
REFERENCE_BYTES = 8


# Memos in `Session.info`: a session lives for one unit of work (see `db.UnitOfWork`).
_CURRENT_ROWS_KEY = "interagency.vault.current_rows"
_FIRST_ROWS_KEY = "interagency.vault.first_rows"
# Agencies whose first data key this transaction made (it may yet be rolled back).
_MADE_KEY = "interagency.vault.made"
_MADE_ROWS_KEY = "interagency.vault.made_rows"


_MATCHING_KEY = "matching"


def _council_context(name: str) -> bytes:
    return f"interagency council key {name}".encode()


def _wrap_context(agency_id: int, version: int) -> bytes:
    return f"agency:{agency_id}:version:{version}".encode()


@dataclass(frozen=True)
class _Unwrapped:
    # The wrapped bytes it came from: a cached key is used only while the row still
    # holds the same wrapped key (a key made in a transaction that was rolled back must
    # not outlive it).
    wrapped: bytes
    key: bytes
    cipher: AESGCM


class Vault:
    """Encryption at rest for one database, under one key provider.

    All methods take the caller's session and work inside its transaction: a data key
    made on first use is committed (or rolled back) with the content it sealed.
    """

    def __init__(self, provider: KeyProvider) -> None:
        self.provider = provider
        self._keys: dict[tuple[int, int], _Unwrapped] = {}
        # agency id -> index key, derived from a committed version 1 (which never
        # changes: a re-wrap changes its wrapped bytes, not the key itself)
        self._index_keys: dict[int, bytes] = {}
        self._council_keys: dict[str, bytes] = {}
        self._lock = threading.Lock()

    # -- sealing -------------------------------------------------------------------

    def seal(self, session: Session, agency_id: int, plaintext: bytes, *, context: str) -> bytes:
        """`plaintext` encrypted under the agency's current data key.

        `context` names where the value is stored (e.g. "message:42:body") and must be
        given again, unchanged, to `open`; the value does not open anywhere else. The
        agency's first data key is made here when it has none.
        """
        version, unwrapped = self._current(session, agency_id)
        return sealed.seal_value(unwrapped.cipher, version, agency_id, context, plaintext)

    def open(self, session: Session, agency_id: int, sealed_value: bytes, *, context: str) -> bytes:
        """The plaintext of a value from `seal` with the same agency and context.

        Raises `Tampered` when the value was altered or belongs to another row, field or
        agency, and `keys.KeyUnavailable` when its master key is missing.
        """
        version = sealed.value_key_version(sealed_value)
        unwrapped = self._version(session, agency_id, version)
        try:
            return sealed.open_value(unwrapped.cipher, agency_id, context, sealed_value)
        except Tampered:
            # A cached key whose row is gone (e.g. a restored backup, or a test that rolls
            # back committed work): retry once from the row the database holds now.
            fresh = self._version(session, agency_id, version, reload=True)
            if fresh.key == unwrapped.key:
                raise
            return sealed.open_value(fresh.cipher, agency_id, context, sealed_value)

    def seal_text(self, session: Session, agency_id: int, text: str, *, context: str) -> bytes:
        """`seal` of the text's UTF-8 bytes."""
        return self.seal(session, agency_id, text.encode("utf-8"), context=context)

    def open_text(
        self, session: Session, agency_id: int, sealed_value: bytes, *, context: str
    ) -> str:
        """`open`, decoded from UTF-8."""
        return self.open(session, agency_id, sealed_value, context=context).decode("utf-8")

    # -- blind index ---------------------------------------------------------------

    def index_terms(
        self,
        session: Session,
        agency_id: int,
        text: str,
        *,
        across_scripts: blind_index.Spelling | None = None,
    ) -> set[str]:
        """The blind-index terms of `text` under the agency's index key (32 hex characters
        each), to store beside the sealed text. Inflections of one word give one term;
        `across_scripts` adds the terms of its names' cross-script keys made with that
        spelling (`blind_index`)."""
        return blind_index.index_terms(
            self._index_key(session, agency_id), text, across_scripts=across_scripts
        )

    def query_terms(
        self,
        session: Session,
        agency_id: int,
        query: str,
        *,
        across_scripts: blind_index.Spelling | None = None,
    ) -> list[str]:
        """The terms to look up for a search query in the agency's index: one per query
        word, in order, without repeats; function words give none (an empty list means
        there is nothing to search for). Search each agency's index with its own terms.
        `across_scripts` (the spelling the texts were indexed with) adds each word's
        cross-script term after its own."""
        return blind_index.query_terms(
            self._index_key(session, agency_id), query, across_scripts=across_scripts
        )

    def name_terms(self, session: Session, agency_id: int, keys: Iterable[str]) -> set[str]:
        """The blind-index terms of a name's search keys (`matching.names.search`) under
        the agency's index key; marked apart from words, so a name's key never matches a
        word of a message that happens to spell the same."""
        index_key = self._index_key(session, agency_id)
        return {blind_index.term(index_key, f"name:{key}") for key in keys}

    def matching_terms(self, session: Session, texts: Iterable[str]) -> set[str]:
        """Keyed hashes (32 hex characters) of screening keys under the council's matching
        key: the same text gives the same term whichever agency holds it."""
        key = self._council_key(session, _MATCHING_KEY)
        return {blind_index.term(key, f"match:{text}") for text in texts}

    # -- opaque references ---------------------------------------------------------

    def reference(self, session: Session, agency_id: int, name: str) -> str:
        """A stand-in for `name` (e.g. "record:17") to show the agency's users where they
        may not learn the name itself: the same name gives the same reference for one
        agency and unrelated references for two (16 hex characters). It is keyed, so it
        cannot be turned back by trying every likely name, however few there are."""
        # A key of its own, derived from the index key: references and index terms of the
        # same word never coincide.
        key = hmac.digest(self._index_key(session, agency_id), _REFERENCE_KEY_INFO, "sha256")
        return hmac.digest(key, name.encode("utf-8"), "sha256")[:REFERENCE_BYTES].hex()

    # -- streams (attachments) -----------------------------------------------------

    def stream_sealer(
        self, session: Session, agency_id: int, *, context: str
    ) -> sealed.StreamSealer:
        """A sealer for a large stream under the agency's current data key (see `sealed`)."""
        version, unwrapped = self._current(session, agency_id)
        return sealed.StreamSealer(unwrapped.cipher, version, agency_id, context)

    def stream_opener(
        self, session: Session, agency_id: int, header: bytes, *, context: str, sha256: bytes
    ) -> sealed.StreamOpener:
        """An opener for a sealed stream whose header is `header`; `sha256` is the digest
        the stream was sealed with (the file's content address)."""
        version = sealed.stream_key_version(header)
        unwrapped = self._version(session, agency_id, version)
        return sealed.StreamOpener(unwrapped.cipher, header, agency_id, context, sha256)

    def open_stream_source(
        self, session: Session, agency_id: int, source: BinaryIO, *, context: str, sha256: bytes
    ) -> sealed.StreamOpener:
        """Reads the header from `source` and returns its opener; `source` is left after it."""
        header = source.read(sealed.STREAM_HEADER_BYTES)
        return self.stream_opener(session, agency_id, header, context=context, sha256=sha256)

    # -- keys ----------------------------------------------------------------------

    def _unwrap(self, session: Session, row: AgencyDataKey) -> _Unwrapped:
        cache_key = (row.agency_id, row.version)
        cached = self._keys.get(cache_key)
        if cached is not None and cached.wrapped == row.wrapped_key:
            return cached
        # A re-wrap under a new master key changes the wrapped bytes, not the key.
        key = self.provider.unwrap(
            WrappedKey(row.master_key_id, row.wrapped_key),
            context=_wrap_context(row.agency_id, row.version),
        )
        unwrapped = _Unwrapped(row.wrapped_key, key, AESGCM(key))
        # Only committed keys are shared with the process's other transactions: a key
        # made in this one may still be rolled back, and another process may then commit
        # a different first key, which this cache would never learn of.
        if row.agency_id not in session.info.get(_MADE_KEY, ()):
            with self._lock:
                self._keys[cache_key] = unwrapped
        return unwrapped

    def _version(
        self, session: Session, agency_id: int, version: int, *, reload: bool = False
    ) -> _Unwrapped:
        cached = None if reload else self._keys.get((agency_id, version))
        if cached is not None:
            return cached
        row = session.get(AgencyDataKey, (agency_id, version), populate_existing=reload)
        if row is None:
            raise Tampered(f"agency {agency_id} has no data key version {version}")
        return self._unwrap(session, row)

    def _current(self, session: Session, agency_id: int) -> tuple[int, _Unwrapped]:
        # One transaction seals everything under the version it saw first.
        seen: dict[int, AgencyDataKey] = session.info.setdefault(_CURRENT_ROWS_KEY, {})
        row = (
            seen.get(agency_id)
            or session.scalars(
                select(AgencyDataKey)
                .where(AgencyDataKey.agency_id == agency_id)
                .order_by(AgencyDataKey.version.desc())
                .limit(1)
            ).first()
        )
        if row is None:
            row = self._create_first(session, agency_id)
        seen[agency_id] = row
        return row.version, self._unwrap(session, row)

    def _create_first(self, session: Session, agency_id: int) -> AgencyDataKey:
        """Version 1 of the agency's data key. Two transactions may race here: the primary
        key lets one win, and the other reads the winner's row."""
        made_rows: dict[int, AgencyDataKey] = session.info.setdefault(_MADE_ROWS_KEY, {})
        if agency_id in made_rows:
            # Made earlier in this transaction, maybe not flushed yet (sealing at flush).
            return made_rows[agency_id]
        row = new_data_key(self.provider, agency_id, 1)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            existing = session.get(AgencyDataKey, (agency_id, 1), populate_existing=True)
            if existing is None:
                raise
            return existing
        session.info.setdefault(_MADE_KEY, set()).add(agency_id)
        made_rows[agency_id] = row
        return row

    def _index_key(self, session: Session, agency_id: int) -> bytes:
        known = self._index_keys.get(agency_id)
        if known is not None:
            return known
        # Looked up once a transaction: `Session.get` would flush pending changes first.
        firsts: dict[int, AgencyDataKey] = session.info.setdefault(_FIRST_ROWS_KEY, {})
        first = firsts.get(agency_id) or session.get(AgencyDataKey, (agency_id, 1))
        if first is None:
            first = self._create_first(session, agency_id)
        firsts[agency_id] = first
        index_key = HKDF(
            algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=_INDEX_KEY_INFO
        ).derive(self._unwrap(session, first).key)
        # A key made in this transaction may still be rolled back: kept for it alone.
        if agency_id not in session.info.get(_MADE_KEY, ()):
            with self._lock:
                self._index_keys[agency_id] = index_key
        return index_key

    def _council_key(self, session: Session, name: str) -> bytes:
        known = self._council_keys.get(name)
        if known is not None:
            return known
        row = session.get(CouncilKey, name)
        made = row is None
        if row is None:
            wrapped = self.provider.wrap(
                secrets.token_bytes(KEY_BYTES), context=_council_context(name)
            )
            row = CouncilKey(
                name=name, master_key_id=wrapped.master_key_id, wrapped_key=wrapped.wrapped
            )
            try:
                with session.begin_nested():
                    session.add(row)
            except IntegrityError:  # another transaction made it first: theirs counts
                made = False
                row = session.get(CouncilKey, name, populate_existing=True)
                if row is None:
                    raise
        key = self.provider.unwrap(
            WrappedKey(row.master_key_id, row.wrapped_key), context=_council_context(name)
        )
        # A key made in this transaction may still be rolled back: not shared until then
        # (the session's own row answers for it meanwhile).
        if not made:
            with self._lock:
                self._council_keys[name] = key
        return key


def new_data_key(provider: KeyProvider, agency_id: int, version: int) -> AgencyDataKey:
    wrapped = provider.wrap(
        secrets.token_bytes(KEY_BYTES), context=_wrap_context(agency_id, version)
    )
    return AgencyDataKey(
        agency_id=agency_id,
        version=version,
        master_key_id=wrapped.master_key_id,
        wrapped_key=wrapped.wrapped,
    )


# -- rotation and status (the operator's `interagency keys ...`) -------------------


@dataclass(frozen=True)
class MasterRotation:
    old_key_id: str | None
    new_key_id: str
    rewrapped: int


def rewrap_all(
    session: Session,
    provider: KeyProvider,
    key_id: str,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Re-wraps, under master key `key_id`, every data key and council key wrapped under
    another one; returns how many, telling `progress(done, total)` as it goes. Rows are
    locked so a concurrent rotation waits."""
    rows: list[AgencyDataKey | CouncilKey] = [
        *session.scalars(
            select(AgencyDataKey)
            .where(AgencyDataKey.master_key_id != key_id)
            .order_by(AgencyDataKey.agency_id, AgencyDataKey.version)
            .with_for_update()
        ),
        *session.scalars(
            select(CouncilKey)
            .where(CouncilKey.master_key_id != key_id)
            .order_by(CouncilKey.name)
            .with_for_update()
        ),
    ]
    report = progress or (lambda _done, _total: None)
    report(0, len(rows))
    for done, row in enumerate(rows, start=1):
        context = (
            _wrap_context(row.agency_id, row.version)
            if isinstance(row, AgencyDataKey)
            else _council_context(row.name)
        )
        key = provider.unwrap(WrappedKey(row.master_key_id, row.wrapped_key), context=context)
        wrapped = provider.wrap(key, context=context, key_id=key_id)
        row.master_key_id = wrapped.master_key_id
        row.wrapped_key = wrapped.wrapped
        report(done, len(rows))
    session.flush()
    return len(rows)


def rotate_data_keys(session: Session, provider: KeyProvider) -> dict[int, int]:
    """A new data-key version for every agency that has data keys; returns agency id ->
    new version. The previous versions are marked retired and still open old content."""
    current = session.execute(
        select(AgencyDataKey.agency_id, func.max(AgencyDataKey.version))
        .group_by(AgencyDataKey.agency_id)
        .order_by(AgencyDataKey.agency_id)
    ).all()
    now: datetime = utcnow()
    added: dict[int, int] = {}
    for agency_id, version in current:
        previous = session.get(AgencyDataKey, (agency_id, version), with_for_update=True)
        if previous is not None and previous.retired_at is None:
            previous.retired_at = now
        session.add(new_data_key(provider, agency_id, version + 1))
        added[agency_id] = version + 1
    session.flush()
    session.info.pop(_CURRENT_ROWS_KEY, None)  # seal under the new versions from now on
    return added


@dataclass(frozen=True)
class AgencyKeys:
    agency_id: int
    current_version: int
    versions: int
    master_key_ids: tuple[str, ...]


def key_status(session: Session) -> list[AgencyKeys]:
    """Per agency: its current data-key version, how many versions, which master keys wrap them."""
    rows = session.scalars(
        select(AgencyDataKey).order_by(AgencyDataKey.agency_id, AgencyDataKey.version)
    ).all()
    by_agency: dict[int, list[AgencyDataKey]] = {}
    for row in rows:
        by_agency.setdefault(row.agency_id, []).append(row)
    return [
        AgencyKeys(
            agency_id=agency_id,
            current_version=keys[-1].version,
            versions=len(keys),
            master_key_ids=tuple(sorted({key.master_key_id for key in keys})),
        )
        for agency_id, keys in by_agency.items()
    ]
