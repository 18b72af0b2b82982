"""The fighters' pages under /movements: the board, profiles, crossings and counts."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
