"""Dates and zones as pages show them: one unambiguous form in each language, zones named
by offset and city rather than by their IANA id."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from interagency import i18n
from interagency.web.templating import localtime, zone_name

# 11:05:33 UTC on 6 December 2026: 14:05 in Moscow, 16:05 in Almaty.
MOMENT = datetime(2026, 12, 6, 11, 5, 33, tzinfo=UTC)
SUMMER = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "timezone", "fmt", "expected"),
    [
        ("en", "Europe/Moscow", "medium", "6 Dec 2026, 14:05 MSK"),
        ("ru", "Europe/Moscow", "medium", "6 дек. 2026 г., 14:05 MSK"),
        ("en", "Europe/Moscow", "short", "6 Dec 2026, 14:05 MSK"),
        ("en", "Asia/Almaty", "medium", "6 Dec 2026, 16:05 UTC+05:00"),
        ("ru", "Asia/Almaty", "seconds", "6 дек. 2026 г., 16:05:33 UTC+05:00"),
        ("en", "UTC", "seconds", "6 Dec 2026, 11:05:33 UTC"),
        ("en", "Asia/Kolkata", "medium", "6 Dec 2026, 16:35 IST"),
        ("en", "Not/AZone", "medium", "6 Dec 2026, 11:05 UTC"),
    ],
)
def test_a_moment_reads_alike_in_every_member_state(
    language: str, timezone: str, fmt: str, expected: str
) -> None:
    with i18n.language(language):
        assert localtime(MOMENT, timezone, fmt) == expected


def test_a_missing_moment_is_a_dash() -> None:
    assert localtime(None, "Europe/Moscow") == "—"


@pytest.mark.parametrize(
    ("language", "timezone", "at", "expected"),
    [
        ("en", "Europe/Moscow", MOMENT, "UTC+03:00, Moscow (MSK)"),
        ("ru", "Europe/Moscow", MOMENT, "UTC+03:00, Москва (MSK)"),
        ("en", "Asia/Tashkent", MOMENT, "UTC+05:00, Tashkent"),
        ("ru", "Asia/Almaty", MOMENT, "UTC+05:00, Алматы"),
        ("en", "UTC", MOMENT, "UTC"),
        # Chisinau keeps summer time: its name follows the moment.
        ("en", "Europe/Chisinau", MOMENT, "UTC+02:00, Chișinău (EET)"),
        ("en", "Europe/Chisinau", SUMMER, "UTC+03:00, Chișinău (EEST)"),
    ],
)
def test_a_zone_is_named_by_offset_and_city(
    language: str, timezone: str, at: datetime, expected: str
) -> None:
    with i18n.language(language):
        assert zone_name(timezone, at) == expected
