"""The base of every request model."""

from __future__ import annotations

from pydantic import BaseModel, field_validator

from interagency.i18n import lazy


class Input(BaseModel):
    """Every request model: text never carries NUL, which PostgreSQL cannot store."""

    @field_validator("*")
    @classmethod
    def no_nul(cls, value: object) -> object:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError(lazy("Text may not contain NUL characters."))
        return value
