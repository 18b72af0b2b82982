from __future__ import annotations

import pytest

from interagency.matching.names import detect_script


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Абдуллаев Мухаммад", "Cyrl"),
        ("Нұрсұлтан Әбенов", "Cyrl"),
        ("Abdullayev Məhəmməd oğlu", "Latn"),
        ("Oʻktam Qodirov", "Latn"),
        ("Հարությունյան", "Armn"),
        ("შევარდნაძე", "Geor"),
        ("M. Абдуллаев", "Cyrl"),
        ("12.03.1980", "Zyyy"),
        ("", "Zyyy"),
    ],
)
def test_detect_script(text: str, script: str) -> None:
    assert detect_script(text) == script
