"""Manifests of a day's crossings: received as files, screened by a job."""

from __future__ import annotations

from fastapi import APIRouter

pages = APIRouter()
api = APIRouter()
