"""Tables of outbox."""

from __future__ import annotations
