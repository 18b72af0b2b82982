"""Tables of filestore."""

from __future__ import annotations
