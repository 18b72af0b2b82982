"""The exchange's pages: inbox, search, overdue dashboard, compose and thread view."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
