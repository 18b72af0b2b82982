"""The exchange's codes and values in words of the reader's language, for what is made
outside a template (files); the pages say the same through `_macros.html`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.numbers import format_decimal

from interagency import i18n
from interagency.exchange.codes import MessageKind, Priority, Status
from interagency.filestore.sniff import BY_MEDIA_TYPE
from interagency.i18n import lazy

KINDS = {
    MessageKind.REQUEST: lazy("request for information"),
    MessageKind.NOTIFICATION: lazy("notification"),
    MessageKind.ALERT: lazy("alert"),
    MessageKind.REPLY: lazy("reply"),
}
PRIORITIES = {
    Priority.ROUTINE: lazy("routine"),
    Priority.URGENT: lazy("urgent"),
    Priority.IMMEDIATE: lazy("immediate"),
}
STATUSES = {
    Status.NEW: lazy("new"),
    Status.ACKNOWLEDGED: lazy("acknowledged"),
    Status.ANSWERED: lazy("answered"),
    Status.CLOSED: lazy("closed"),
}

# A file's size in each unit, each 1024 times the one before.
SIZE_UNITS = (lazy("{size} B"), lazy("{size} KB"), lazy("{size} MB"), lazy("{size} GB"))


def kind(value: MessageKind) -> str:
    return i18n.gettext(KINDS[value])


def priority(value: Priority) -> str:
    return i18n.gettext(PRIORITIES[value])


def status(value: Status) -> str:
    return i18n.gettext(STATUSES[value])


def local_time(moment: datetime | None, timezone: str) -> str:
    """A UTC time in the reader's zone, the zone named: "2026-12-07 05:32 MSK"."""
    if moment is None:
        return ""
    try:
        place = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        place = ZoneInfo("UTC")
    local = moment.astimezone(place)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def file_size(size: int) -> str:
    """A file's size with its unit in the reader's language: "12,5 КБ", "3 B"."""
    amount, unit = float(size), 0
    while amount >= 1024 and unit < len(SIZE_UNITS) - 1:
        amount, unit = amount / 1024, unit + 1
    number = format_decimal(
        round(amount, 1) if unit else int(amount), format="#,##0.#", locale=i18n.current_language()
    )
    return i18n.gettext(SIZE_UNITS[unit]).format(size=number)


def file_type(media_type: str) -> str:
    """What a file is, in words: "plain text (UTF-8)" rather than text/plain."""
    known = BY_MEDIA_TYPE.get(media_type.split(";")[0].strip())
    return i18n.gettext(str(known.label)) if known else media_type
