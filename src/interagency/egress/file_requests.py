"""How a route asks for a watermarked file and answers with it, for every feature whose
documents leave as PDF or DOCX (`files`): the format from the path, the language and
the destination from the query, the time zone of the reader (a page) or UTC (the API,
whose callers have no zone of their own); and the answer, sent once the export is
audited and committed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from starlette.responses import Response

from interagency.db import PUBLIC_ID_LENGTH, UnitOfWork
from interagency.egress import files
from interagency.egress.downloads import file_response
from interagency.egress.gate import READER, to_third_party
from interagency.inputs import Line

# Checked by `files.options`, which says in words what is wrong with any other value.
Language = Annotated[
    Line | None,
    Query(max_length=16, description="The file's language: ru or en (the reader's by default)"),
]
# A third party the secretariat registered, by its public id: the file is made for it.
ThirdPartyTo = Annotated[
    Line | None,
    Query(
        pattern=f"^[a-z2-7]{{{PUBLIC_ID_LENGTH}}}$",
        description="The public id of the registered third party the file is made for",
    ),
]


def _options(
    request: Request, fmt: str, lang: str | None, to: str | None, timezone: str
) -> files.Options:
    destination = to_third_party(to) if to else READER
    return files.options(fmt, lang or str(request.state.language), timezone, destination)


def page_file(
    request: Request, fmt: str, lang: Language = None, to: ThirdPartyTo = None
) -> files.Options:
    """A file asked for from a page: its times in the reader's zone."""
    return _options(request, fmt, lang, to, request.state.timezone)


def api_file(
    request: Request, fmt: str, lang: Language = None, to: ThirdPartyTo = None
) -> files.Options:
    """A file asked for through the API: its times in UTC."""
    return _options(request, fmt, lang, to, "UTC")


PageFile = Annotated[files.Options, Depends(page_file)]
ApiFile = Annotated[files.Options, Depends(api_file)]
# What the API's file routes declare they answer with, besides problems.
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {media: {} for media in files.MEDIA_TYPES.values()}}
}


def sent(uow: UnitOfWork, file: files.ExportFile) -> Response:
    """A file that passed the export gate, sent with its receipt once the export is audited."""
    uow.commit()
    return file_response(file.receipt, file.content, file.media_type, file.filename)
