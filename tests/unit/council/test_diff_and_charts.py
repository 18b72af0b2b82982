"""The readable diff between versions and the server-drawn progress chart."""

from __future__ import annotations

from xml.etree import ElementTree

from interagency.council.charts import LABEL_WIDTH, WIDTH, progress_bars
from interagency.council.documents import diff_lines

SVG = "{http://www.w3.org/2000/svg}"


def test_a_changed_line_is_shown_removed_then_added_with_context() -> None:
    old = "\n".join(f"line {n}" for n in range(1, 11))
    new = old.replace("line 5", "line five").replace("line 10", "line 10\nline 11")
    shown = [(d.kind, d.old_number, d.new_number, d.text) for d in diff_lines(old, new)]
    assert shown == [
        ("same", 3, 3, "line 3"),
        ("same", 4, 4, "line 4"),
        ("removed", 5, None, "line 5"),
        ("added", None, 5, "line five"),
        ("same", 6, 6, "line 6"),
        ("same", 7, 7, "line 7"),
        ("gap", None, None, "…"),
        ("same", 9, 9, "line 9"),
        ("same", 10, 10, "line 10"),
        ("added", None, 11, "line 11"),
    ]


def test_identical_texts_have_no_differences() -> None:
    assert diff_lines("a\nb", "a\nb") == []


def test_the_chart_draws_one_bar_per_row_in_proportion() -> None:
    markup = progress_bars('Ход <выполнения> & "итоги"', [("2014", 25), ("2015", 100), ("x", 150)])
    root = ElementTree.fromstring(markup)  # noqa: S314  (our own markup; well-formed only if escaped)
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == 'Ход <выполнения> & "итоги"'
    track = WIDTH - LABEL_WIDTH - 60
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("fill") != "#e4e8e6"]
    assert [float(r.get("width", "0")) for r in bars] == [track / 4, track, track]
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "25%" in labels
    assert "100%" in labels
