"""The project's metadata installs without warnings a new user would wonder about."""

from __future__ import annotations

import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_the_licence_is_a_plain_spdx_expression() -> None:
    # A TOML table here makes current setuptools warn three times on every install.
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    assert isinstance(project["project"]["license"], str)
    requires = project["build-system"]["requires"]
    assert any(r.replace(" ", "").startswith("setuptools>=77") for r in requires), requires
