"""Template bodies, and the pin text a preview or a Pin Generator call renders with."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from pinsmith.kit.schemas import Input, Output
from pinsmith.render.fields import MAX_CUSTOM
from pinsmith.render.palette import parse_hex

MAX_NAME = 100
# Longer text than this cannot fit a pin at any size: refused before it reaches the renderer.
MAX_FIELD_TEXT = 2000
CUSTOM_FIELD = re.compile(r"^custom([0-9]{1,3})$", re.IGNORECASE)


def check_colour(value: str) -> str:
    """A hex colour with or without ``#`` (Pin Generator's ``color``), as given."""
    try:
        parse_hex(value)
    except ValueError:
        raise ValueError("must be a hex colour like ae3ac4 or #ae3ac4") from None
    return value.strip()


def custom_field_number(key: str) -> int | None:
    """N for a ``customN`` key (any case, 1..100), else None."""
    found = CUSTOM_FIELD.match(key)
    if found is None or not 1 <= int(found.group(1)) <= MAX_CUSTOM:
        return None
    return int(found.group(1))


Colour = Annotated[str, Field(max_length=9), AfterValidator(check_colour)]
TemplateName = Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
FieldText = Annotated[str, Field(max_length=MAX_FIELD_TEXT)]


class TemplateSummary(BaseModel):
    """One entry of ``GET /templates``: a built-in (its Pin Generator name is its id) or a
    custom template (its number is its id)."""

    id: int | str = Field(examples=["StandardTemplate", 12])
    name: str
    style: str | None = Field(default=None, description="Pin Generator's style of a built-in")
    builtin: bool
    created_at: datetime | None = None
    updated_at: datetime | None = None


class Template(TemplateSummary):
    """A template with its spec: send the spec back (changed) to make a custom template."""

    spec: dict[str, Any]


class CustomTemplateCreate(Input):
    name: TemplateName
    spec: dict[str, Any] = Field(description="A template spec: a canvas and its layers")


class CustomTemplateUpdate(Input):
    """Only the fields sent change."""

    name: TemplateName | None = None
    spec: dict[str, Any] | None = None


class CustomTemplate(Output):
    id: int
    name: str
    builtin: bool = False
    spec: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class PreviewRequest(BaseModel):
    """Text for a preview, named as in Pin Generator's API; what is left out takes a sample."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    title: FieldText | None = None
    description: FieldText | None = None
    url_text: FieldText | None = Field(default=None, alias="urlText")
    color: Colour | None = None
    image_url: str | None = Field(default=None, alias="imageURL", min_length=1, max_length=2048)

    @model_validator(mode="after")
    def _custom_fields_only(self) -> PreviewRequest:
        for key, value in (self.model_extra or {}).items():
            if custom_field_number(key) is None:
                raise ValueError(
                    f"unknown field {key!r}: a preview takes title, description, urlText, color, "
                    f"imageURL and custom1..custom{MAX_CUSTOM}"
                )
            if not isinstance(value, str) or len(value) > MAX_FIELD_TEXT:
                raise ValueError(f"{key} must be a string of at most {MAX_FIELD_TEXT} characters")
        return self

    def custom_fields(self) -> dict[str, str]:
        return {key: str(value) for key, value in (self.model_extra or {}).items()}
