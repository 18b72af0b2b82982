"""Screening one record at a time against an index of persons (see `index.py`)."""

from interagency.matching.screen.index import Candidate, FieldAgreement, ScreeningIndex
from interagency.matching.screen.levels import Keys
from interagency.matching.screen.parameters import ModelError, model_parameters

__all__ = [
    "Candidate",
    "FieldAgreement",
    "Keys",
    "ModelError",
    "ScreeningIndex",
    "model_parameters",
]
