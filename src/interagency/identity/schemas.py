"""Request and response models of the identity feature."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class MemberStateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    iso_alpha2: str = Field(description="ISO 3166-1 alpha-2 code", examples=["KZ"])
    iso_alpha3: str = Field(description="ISO 3166-1 alpha-3 code", examples=["KAZ"])
    name_ru: str
    name_en: str
    timezone: str = Field(description="IANA time zone of the capital", examples=["Asia/Almaty"])


class MemberStateIn(BaseModel):
    iso_alpha2: str = Field(pattern=r"^[A-Z]{2}$")
    iso_alpha3: str = Field(pattern=r"^[A-Z]{3}$")
    name_ru: str = Field(min_length=1, max_length=120)
    name_en: str = Field(min_length=1, max_length=120)
    timezone: str = Field(min_length=1, max_length=64)
