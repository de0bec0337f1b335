"""Pin Generator's request and response bodies, with its field names.

Fields are declared in the order the documentation lists them, so the first problem reported is
the first the documentation would name ("template is required" before "title is required").
Unknown fields are ignored, as a drop-in must; ``custom1``..``custom100`` (any case) are kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from pinsmith.kit.schemas import NUL_REFUSED, holds_nul
from pinsmith.pins.schemas import Description, HttpUrl, MediaUrl, PinterestId, Title
from pinsmith.render import PinFields
from pinsmith.templates.schemas import MAX_FIELD_TEXT, Colour, custom_field_number


def _number_as_text(value: Any) -> Any:
    """An id sent as a JSON number (a custom template's id, a board id) is the same id."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _iso_8601(value: Any) -> Any:
    """An ISO 8601 string only (pydantic would also take a number of seconds)."""
    problem = "must be an ISO 8601 date such as 2026-03-15T14:00:00.000Z"
    if not isinstance(value, str):
        raise ValueError(problem)
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(problem) from None


def _is_blank(value: Any) -> bool:
    return isinstance(value, str) and not value.strip()


Required = Annotated[str, Field(min_length=1)]
Identifier = Annotated[str, BeforeValidator(_number_as_text), Field(min_length=1, max_length=100)]
RenderedText = Annotated[str, Field(max_length=MAX_FIELD_TEXT)]
Link = Annotated[str, Field(max_length=2048)]
# Naive (no offset): wall-clock time in the profile's time zone, resolved by the service.
ScheduledTime = Annotated[datetime, BeforeValidator(_iso_8601)]


class PinGeneratorRequest(BaseModel):
    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: Any) -> Any:
        """``""`` for a documented field means "not given", as form-built clients send it.
        Text holding U+0000 is refused, as by every pinsmith input (kit/schemas.py)."""
        if not isinstance(data, dict):
            return data
        for key, value in data.items():
            if holds_nul(value):
                raise ValueError(f"{key} {NUL_REFUSED}")
        return {
            key: None if key in cls.model_fields and _is_blank(value) else value
            for key, value in data.items()
        }


class RenderRequest(PinGeneratorRequest):
    """What a render takes besides the template: the pin's text, its photo and its colour."""

    @model_validator(mode="after")
    def _custom_fields_are_text(self) -> RenderRequest:
        for key, value in (self.model_extra or {}).items():
            if custom_field_number(key) is None:
                continue
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                raise ValueError(f"{key} must be a string")
            if len(str(value)) > MAX_FIELD_TEXT:
                raise ValueError(f"{key} must be at most {MAX_FIELD_TEXT} characters")
        return self

    def pin_fields(self) -> PinFields:
        values: dict[str, object] = self.model_dump(include={"title", "description", "urlText"})
        for key, value in (self.model_extra or {}).items():
            if custom_field_number(key) is not None:
                values[key] = value
        return PinFields.from_request(values)


class GenerateImageRequest(RenderRequest):
    template: Identifier
    title: Annotated[
        Required, Field(max_length=MAX_FIELD_TEXT)
    ]  # drawn on the image: no cap of 100
    imageURL: Link | None = None
    url: Link | None = None
    urlText: RenderedText | None = None
    color: Colour | None = None
    description: RenderedText | None = None


class GenerateAndScheduleRequest(RenderRequest):
    template: Identifier
    title: Annotated[Required, Title]
    pinterestProfile: Annotated[Required, Field(max_length=100)]
    boardId: Annotated[str, BeforeValidator(_number_as_text), Field(max_length=32)] | None = None
    imageURL: Link | None = None
    url: HttpUrl | None = None
    urlText: RenderedText | None = None
    color: Colour | None = None
    description: Description | None = None
    boardSectionId: Annotated[PinterestId, BeforeValidator(_number_as_text)] | None = None
    scheduledTime: ScheduledTime | None = None
    useAIBoardSelection: bool | None = None


class SchedulePinRequest(PinGeneratorRequest):
    mediaURL: MediaUrl  # http(s), or one of the caller's own uploads and renders
    pinterestProfile: Annotated[Required, Field(max_length=100)]
    boardId: Annotated[str, BeforeValidator(_number_as_text), Field(max_length=32)] | None = None
    title: Title | None = None
    description: Description | None = None
    url: HttpUrl | None = None
    boardSectionId: Annotated[PinterestId, BeforeValidator(_number_as_text)] | None = None
    scheduledTime: ScheduledTime | None = None
    useAIBoardSelection: bool | None = None


class GeneratedImage(BaseModel):
    imageURL: str


class Board(BaseModel):
    id: str
    name: str


class GeneratedAndScheduled(BaseModel):
    message: str
    imageURL: str
    board: Board | None  # None: useAIBoardSelection found no board, the pin is in review


class Scheduled(BaseModel):
    message: str
    board: Board | None  # None: useAIBoardSelection found no board, the pin is in review
