"""Tables of council."""

from __future__ import annotations
