"""The watermark's words in the export's language."""

from __future__ import annotations

from interagency import i18n
from interagency.exports.document import Watermark


def watermark_line(watermark: Watermark, language: str) -> str:
    with i18n.language(language):
        template = i18n.gettext("Exported by {user} on {time} · {marking}")
        parts = [
            template.format(
                user=watermark.user_label, time=watermark.local_time(), marking=watermark.marking
            )
        ]
        if watermark.expires is not None:
            parts.append(i18n.gettext("valid until {date}").format(date=watermark.expires))
        if watermark.export_id:
            parts.append(i18n.gettext("export {id}").format(id=watermark.export_id))
    return " · ".join(parts)


def page_label(language: str) -> tuple[str, str]:
    """The words around the page number: "Page 2 of 5"."""
    with i18n.language(language):
        return i18n.gettext("Page"), i18n.gettext("of")
