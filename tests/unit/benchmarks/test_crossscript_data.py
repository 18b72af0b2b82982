"""The cross-script benchmark data: generator and hand-written hard pairs."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"
HARD_PAIRS = BENCHMARKS / "data" / "hard_pairs.csv"
HARD_PAIR_COLUMNS = [
    "case_id",
    "label",
    "note",
    *(
        f"{side}_{column}"
        for side in "ab"
        for column in ("id", "full_name", "birth_date", "sex", "nationality", "passport")
    ),
]


def _load() -> ModuleType:
    name = "crossscript_data"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / "crossscript_data.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return _load()


@pytest.fixture(scope="module")
def data(generator: ModuleType) -> Any:
    return generator.generate(seed=7, n_persons=600)


def test_same_seed_same_data(generator: ModuleType, data: Any) -> None:
    again = generator.generate(seed=7, n_persons=600)
    assert again.a.equals(data.a)
    assert again.b.equals(data.b)
    assert again.truth == data.truth
    assert again.meta.equals(data.meta)


def test_other_seed_other_data(generator: ModuleType, data: Any) -> None:
    other = generator.generate(seed=8, n_persons=600)
    assert not other.a["full_name"].equals(data.a["full_name"])


def test_tables_have_the_agreed_columns(data: Any) -> None:
    columns = ["id", "full_name", "birth_date", "sex", "nationality", "passport"]
    for table in (data.a, data.b):
        assert list(table.columns) == columns
        assert all(str(dtype) == "string" for dtype in table.dtypes)
        assert table["full_name"].notna().all()
        assert table["full_name"].str.strip().str.len().gt(0).all()
        assert not table.eq("").any().any()  # missing values are <NA>, never ""
    ids = [*data.a["id"], *data.b["id"]]
    assert len(ids) == len(set(ids))


def test_truth_pairs_refer_to_existing_ids(data: Any) -> None:
    a_ids, b_ids = set(data.a["id"]), set(data.b["id"])
    assert data.truth
    assert all(a in a_ids and b in b_ids for a, b in data.truth)
    # only some persons are in both tables
    assert len({a for a, _ in data.truth}) < len(a_ids)


def test_meta_covers_every_record_and_script(generator: ModuleType, data: Any) -> None:
    assert set(data.meta.index) == {*data.a["id"], *data.b["id"]}
    assert set(data.meta["script"]) == set(generator.SCRIPTS)
    assert set(data.meta["popularity_decile"]) == set(range(10))
    assert {"standard", "nationality"} <= set(data.meta.columns)


def test_hard_non_pairs_are_made(data: Any) -> None:
    relations = set(data.meta["relation"])
    assert {"namesake", "sibling", "twin", "child"} <= relations
    people = data.meta.groupby("person_id").size()
    assert len(people) > 500


def test_hard_pairs_file() -> None:
    with HARD_PAIRS.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == HARD_PAIR_COLUMNS
        rows = list(reader)
    assert len(rows) >= 300
    labels = [row["label"] for row in rows]
    assert set(labels) == {"match", "non-match"}
    assert min(labels.count("match"), labels.count("non-match")) >= 0.35 * len(rows)
    case_ids = [row["case_id"] for row in rows]
    assert len(case_ids) == len(set(case_ids))
    for row in rows:
        assert row["a_full_name"].strip(), row["case_id"]
        assert row["b_full_name"].strip(), row["case_id"]
        assert row["note"].strip(), row["case_id"]


@pytest.mark.parametrize(
    ("function", "cyrillic", "latin"),
    [
        # ICAO Doc 9303 part 3
        ("icao", "щеглова юлия", "shcheglova iuliia"),
        ("icao", "артём краевой", "artem kraevoi"),
        ("icao", "ян разъездной", "ian razieezdnoi"),
        ("icao", "хачатурян", "khachaturian"),
        # BGN/PCGN 1947
        ("bgn_pcgn", "юрьев объезд", "yur’yev ob”yezd"),
        ("bgn_pcgn", "ерёменко андрей", "yerëmenko andrey"),
        ("bgn_pcgn", "абдуллаев", "abdullayev"),
        # GOST 7.79-2000 system B
        ("gost_b", "цыганов", "cy`ganov"),
        ("gost_b", "кузнецова", "kuzneczova"),
        ("gost_b", "щербаков юрьевич", "shherbakov yur`evich"),
        ("gost_b", "этих", "e`tix"),
        # ISO 9:1995
        ("iso9", "щеглова юлия", "ŝeglova ûliâ"),
        ("iso9", "жуков", "žukov"),
        # French and German usage
        ("french", "абдуллаев мухаммад", "abdoullaïev moukhammad"),
        ("french", "георгий", "gueorgui"),
        ("german", "абдуллаев мухаммад", "abdullajew muchammad"),
        ("german", "юрьевич", "jurjewitsch"),
        # national Latin alphabets
        ("kk_latin", "нұрсұлтан ерланұлы", "nūrsūltan erlanūly"),
        ("tk_from_ru", "кудрявцев", "kudrýawtsew"),
        ("uz_passport", "yoʻldoshev", "yoldoshev"),
        ("uz_latin_to_cyrl", "yoʻldoshev", "йўлдошев"),
        ("az_passport", "cəfərov", "jafarov"),
        # Armenian and Georgian
        ("hy_national", "հարությունյան", "harutyunyan"),
        ("hy_bgn", "մկրտչյան", "mkrtch’yan"),
        ("hy_iso", "հարությունյան", "harowtʼyownyan"),
        ("ka_passport", "ჯავახიშვილი", "javakhishvili"),
        ("ka_national", "კვარაცხელია", "k’varatskhelia"),
        ("ka_iso", "ჯავახიშვილი", "ǰavaxišvili"),
    ],
)
def test_transliteration_follows_the_standard(
    generator: ModuleType, function: str, cyrillic: str, latin: str
) -> None:
    assert getattr(generator, function)(cyrillic) == latin


def test_russian_spelling_and_gender_forms(generator: ModuleType) -> None:
    assert generator.hy_to_russian("հարությունյան") == "арутюнян"
    assert generator.ka_to_russian("ჯავახიშვილი") == "джавахишвили"
    assert generator.fold_to_russian("нұрсұлтан") == "нурсултан"
    assert generator.feminine_surname("Иванов") == "Иванова"
    assert generator.feminine_surname("Вяземский") == "Вяземская"
    assert generator.feminine_surname("Aliyev") == "Aliyeva"
    assert generator.feminine_surname("Шевченко") == "Шевченко"
    assert generator.russian_patronymic("Сергей", "M") == "Сергеевич"
    assert generator.russian_patronymic("Абдулла", "F") == "Абдуллаевна"
    assert generator.russian_patronymic("Илья", "M") == "Ильич"
