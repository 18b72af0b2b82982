"""The one way a route answers with a file: only with the gate's receipt in hand.

Downloads are always attachments, never rendered by the browser (`Content-Disposition:
attachment`, `nosniff`, and a CSP sandbox in case a browser opens one anyway), and they
carry the export id, the marking and the expiry of what they hold in their headers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import quote

from starlette.responses import Response, StreamingResponse

from interagency.egress.gate import Receipt

DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "no-store",
}


def disposition(filename: str) -> str:
    # The ASCII fallback keeps old clients safe; filename* carries the real (UTF-8) name.
    fallback = "".join(c if (c.isascii() and c.isalnum()) or c in "._-" else "_" for c in filename)
    return f"attachment; filename=\"{fallback or 'file'}\"; filename*=UTF-8''{quote(filename)}"


def receipt_headers(receipt: Receipt) -> dict[str, str]:
    """What every item that left through the gate carries beside its content."""
    handling, tlp = receipt.strictest
    # Headers are safest in ASCII: the marking's parts are separated by "; ", and the
    # restriction's words (any script) go percent-encoded as UTF-8 in the notation of
    # RFC 8187; the file itself carries the marking as written.
    headers = {"X-Export-Id": receipt.export_id, "X-Marking": f"{handling.value}; TLP:{tlp.value}"}
    if receipt.restriction:
        headers["X-Restriction"] = f"UTF-8''{quote(receipt.restriction)}"
    if receipt.expires is not None:
        headers["X-Expires"] = receipt.expires.isoformat()
    return headers


def file_response(
    receipt: Receipt,
    content: bytes | AsyncIterator[bytes],
    media_type: str,
    filename: str,
    size: int | None = None,
) -> Response:
    headers = {
        **DOWNLOAD_HEADERS,
        **receipt_headers(receipt),
        "Content-Disposition": disposition(filename),
    }
    if size is not None:
        headers["Content-Length"] = str(size)
    if isinstance(content, bytes):
        return Response(content, media_type=media_type, headers=headers)
    return StreamingResponse(content, media_type=media_type, headers=headers)
