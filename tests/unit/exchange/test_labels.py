"""Sizes, file types and codes of the exchange in the reader's language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from interagency import i18n
from interagency.exchange import labels
from interagency.exchange.codes import MessageKind, Priority, Status
from interagency.filestore import sniff


@pytest.mark.parametrize(
    ("size", "english"),
    [(0, "0 B"), (999, "999 B"), (1536, "1.5 KB"), (5 * 1024 * 1024, "5 MB")],
)
def test_a_size_in_english(size: int, english: str) -> None:
    with i18n.language("en"):
        assert labels.file_size(size) == english


def test_a_size_in_russian_has_a_decimal_comma_and_russian_units() -> None:
    with i18n.language("ru"):
        assert labels.file_size(1536) == "1,5 КБ"
        assert labels.file_size(12) == "12 Б"


def test_a_file_type_is_named_in_words() -> None:
    with i18n.language("ru"):
        assert labels.file_type("text/plain") == "обычный текст (UTF-8)"
        assert labels.file_type("application/pdf") == "PDF"
        assert sniff.allowed_labels(frozenset({"text/plain", "application/pdf"})) == (
            "PDF, обычный текст (UTF-8)"
        )
    with i18n.language("en"):
        assert labels.file_type("text/plain; charset=utf-8") == "plain text (UTF-8)"
        assert labels.file_type("application/x-unknown") == "application/x-unknown"


def test_codes_in_words() -> None:
    with i18n.language("ru"):
        assert labels.kind(MessageKind.NOTIFICATION) == "уведомление"
        assert labels.priority(Priority.ROUTINE) == "обычная"
        assert labels.status(Status.NEW) == "новая"


def test_a_time_in_the_readers_zone_names_the_zone() -> None:
    moment = datetime(2026, 12, 7, 2, 30, tzinfo=UTC)
    assert labels.local_time(moment, "Europe/Moscow") == "2026-12-07 05:30 MSK"
    assert labels.local_time(moment, "Nowhere/Else") == "2026-12-07 02:30 UTC"
    assert labels.local_time(None, "Europe/Moscow") == ""
