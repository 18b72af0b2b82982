"""Tables of vault."""

from __future__ import annotations
