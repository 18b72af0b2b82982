"""The records' `Context`, built from the container for the pages, the API and the demo."""

from __future__ import annotations

from interagency.bootstrap import Container
from interagency.records.services import Context


def records_context(container: Container) -> Context:
    return Context(vault=container.vault)
