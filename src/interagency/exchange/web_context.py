"""The exchange's `Context`, built from the container by pages and API alike."""

from __future__ import annotations

from interagency.bootstrap import Container
from interagency.exchange.services import Context


def exchange_context(container: Container) -> Context:
    return Context(
        vault=container.vault,
        default_zone=container.settings.default_timezone,
        base_url=container.settings.base_url,
    )
