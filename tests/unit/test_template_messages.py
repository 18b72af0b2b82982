"""Every message of every template can be formatted: with new-style gettext Jinja applies
`%` formatting to each `_()` string, so a bare percent sign answers 500 on the page."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2.ext import extract_from_ast

from interagency.web.templating import build_environment, feature_template_dirs

# What may follow a percent sign in a message: another one (a literal %) or a named
# placeholder such as %(count)s or %(share).1f.
FORMATTING = re.compile(r"%%|%\([a-z_][a-z0-9_]*\)[#0\- +]*\d*(?:\.\d+)?[sdifgeExXr]")


def bare_percent(message: str) -> bool:
    return "%" in FORMATTING.sub("", message)


def template_files() -> list[Path]:
    return [p for d in feature_template_dirs() for p in sorted(d.rglob("*.html"))]


def test_the_check_tells_a_bare_percent_from_formatting() -> None:
    assert bare_percent("Progress, %")
    assert bare_percent("50% done")
    assert bare_percent("%d items")
    assert not bare_percent("Progress, %%")
    assert not bare_percent("%(done)s of %(all)s; %(share).1f%%")


def test_no_template_message_has_a_bare_percent_sign() -> None:
    env = build_environment()
    files = template_files()
    assert len(files) > 40  # every feature's templates are walked, not an empty folder
    found = []
    for path in files:
        tree = env.parse(path.read_text(encoding="utf-8"))
        for line, _function, message in extract_from_ast(tree):
            texts = message if isinstance(message, tuple) else (message,)
            found += [f"{path.name}:{line}: {t!r}" for t in texts if t and bare_percent(t)]
    assert found == [], "write a literal percent sign as %% in a message"
