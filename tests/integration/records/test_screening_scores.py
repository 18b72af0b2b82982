"""The screening service scores as the linkage engine does: every hit it records has the
probability the batch engine (Splink on DuckDB, same model) gives the same pair, and
every pair the batch engine finds is a hit unless it rests on the name alone."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from sqlalchemy import select

from interagency.matching.batch import link
from interagency.matching.features import FEATURE_COLUMNS
from interagency.records import comparison
from interagency.records.models import Hit, Record
from interagency.records.particulars import PersonParticulars
from interagency.records.sealing import open_particulars
from interagency.screening import keys
from tests.integration.matching.people import population

from .conftest import Records, person

pytestmark = pytest.mark.slow


def _particulars(row: dict[str, str]) -> dict[str, str]:
    fields = ("surname", "given_name", "patronymic", "full_name", "birth_date", "sex", "passport")
    return {f: row[f] for f in fields if row.get(f)}


def _features(people: dict[int, PersonParticulars]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [dataclasses.asdict(keys.features_of(p, i)) for i, p in people.items()],
        columns=list(FEATURE_COLUMNS),
    )
    for column in ("dob_y", "dob_m", "dob_d", "passport_tail"):
        frame[column] = frame[column].astype("Int64")
    return frame


def test_hits_have_the_batch_engines_scores(records: Records) -> None:
    a, b, truth = population(seed=31, persons=30)
    a = a.astype("string").fillna("")
    b = b.astype("string").fillna("")
    for row in b.to_dict("records"):
        records.save("ru_liaison", person(_particulars(row)))
    for row in a.to_dict("records"):
        records.save("kz_liaison", person(_particulars(row)))
    with records.container.uow() as uow:
        held = uow.session.scalars(select(Record)).all()
        opened = {r.id: open_particulars(uow, records.container.vault, r) for r in held}
        owners = {r.id: r.owner_agency_id for r in held}
        found = {
            (h.searching_record_id, h.found_record_id): h.score
            for h in uow.session.scalars(select(Hit))
        }
    people = {i: p for i, p in opened.items() if isinstance(p, PersonParticulars)}
    kz = records.council.agencies["KZ-SVC"]
    side_a = {i: p for i, p in people.items() if owners[i] == kz}
    side_b = {i: p for i, p in people.items() if owners[i] != kz}
    pairs = link(
        _features(side_a), _features(side_b), model=comparison.model_without_term_frequencies(),
        threshold=comparison.POSSIBLE_FROM, keep_prior=True,
    ).pairs  # fmt: skip
    batch = {}
    for a_id, b_id, probability in zip(
        pairs["a_id"], pairs["b_id"], pairs["probability"], strict=True
    ):
        # The record saved later searched, and found the one saved before it.
        later, earlier = max(int(a_id), int(b_id)), min(int(a_id), int(b_id))
        batch[(later, earlier)] = float(probability)
    by_name_alone = {
        pair
        for pair in batch
        if comparison.rescore(
            keys.features_of(people[pair[0]], pair[0]), keys.features_of(people[pair[1]], pair[1])
        )
        is None
    }
    assert len(found) >= len(truth) // 2  # not vacuous: most true pairs are hits
    assert set(found) == set(batch) - by_name_alone
    for pair, score in found.items():
        assert score == pytest.approx(batch[pair], abs=1e-6), pair
