"""Attachment storage: streamed, sniffed, quarantined and content-addressed files with
reference counts.

Use `FileStore` (built once, in `bootstrap`): `receive` an upload, `add_reference` and
`release` as attachments come and go, `open_stream` to serve a clean file.
"""

from interagency.filestore.models import FileStatus, StoredFile
from interagency.filestore.scanning import CommandScanner, NoopScanner, Scanner, Verdict
from interagency.filestore.services import FileStore, TooLarge, check_filename

__all__ = [
    "CommandScanner",
    "FileStatus",
    "FileStore",
    "NoopScanner",
    "Scanner",
    "StoredFile",
    "TooLarge",
    "Verdict",
    "check_filename",
]
