"""The base of every request model, and how a row is named in requests and answers."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, field_validator

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


# A row as the API names it: its random public id, never its integer key (`db.HasPublicId`).
PublicRef = Annotated[
    str,
    Field(
        min_length=26,
        max_length=26,
        pattern="^[a-z2-7]{26}$",
        description="A public id: 26 random characters, a-z and 2-7",
        examples=["k3v7q2m5x4t6w2y7z3a4b5c6d7"],
    ),
]
