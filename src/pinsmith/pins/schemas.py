"""Pin bodies as PinFlow documents them, checked against Pinterest's own limits up front, so a
pin never fails at publish time for something we could have said at once."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from pinsmith.kit.schemas import DIGITS, Input, Output, RowId
from pinsmith.kit.time import client_instant
from pinsmith.models import PinStatus

MAX_BULK_PINS = 1_000
MAX_IDS = 10_000


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise ValueError("must be an http or https URL")
    return value


def _media_url(value: str) -> str:
    if value.startswith("/media/"):
        return value
    try:
        return _http_url(value)
    except ValueError:
        raise ValueError(
            "must be an http or https URL, or a URL returned by POST /pins/upload-image"
        ) from None


PinterestId = Annotated[str, Field(pattern=DIGITS, max_length=32, description="Digits only")]
HttpUrl = Annotated[str, Field(max_length=2048), AfterValidator(_http_url)]
MediaUrl = Annotated[str, Field(min_length=1, max_length=2048), AfterValidator(_media_url)]
Title = Annotated[str, Field(max_length=100, description="Pinterest refuses more than 100")]
Description = Annotated[str, Field(max_length=800)]
AltText = Annotated[str, Field(max_length=500)]
# ISO 8601; a time without an offset is UTC, as PinFlow documents.
Instant = Annotated[datetime, AfterValidator(client_instant)]
UserStatus = Literal["draft", "review", "queued", "scheduled"]


class PinCreate(Input):
    # Before board_id, so that board_id's check sees it.
    auto_board: bool = Field(
        default=False,
        description="Instead of board_id: pinsmith picks the best board (and section) for the "
        "pin's text, or makes a new board when none fits (see auto_create_boards on /auth/me)",
    )
    board_id: Annotated[PinterestId | None, Field(validate_default=True)] = None
    media_url: MediaUrl
    board_section_id: PinterestId | None = None
    title: Title | None = None
    description: Description | None = None
    link: HttpUrl | None = None
    alt_text: AltText | None = None
    scheduled_at: Instant | None = None
    status: UserStatus | None = Field(
        default=None, description="Omit to queue; 'draft' to keep it back; a scheduled_at schedules"
    )
    profile_id: RowId | None = Field(default=None, description="Default: the selected profile")

    @field_validator("board_id")
    @classmethod
    def _board_or_auto_board(cls, board_id: str | None, info: ValidationInfo) -> str | None:
        """Exactly one of the two: a pin names its board, or asks pinsmith to choose one."""
        auto_board = info.data.get("auto_board", False)
        if board_id is None and not auto_board:
            raise ValueError("is required (or auto_board: true to let pinsmith choose)")
        if board_id is not None and auto_board:
            raise ValueError("and auto_board exclude each other: give one")
        return board_id

    @model_validator(mode="after")
    def _auto_board_needs_text(self) -> PinCreate:
        if self.auto_board and not ((self.title or "").strip() or (self.description or "").strip()):
            raise ValueError("auto_board needs a title or description to choose a board by")
        return self


class PinUpdate(Input):
    """Only the fields sent change; ``null`` clears an optional field."""

    board_id: PinterestId | None = None
    media_url: MediaUrl | None = None
    board_section_id: PinterestId | None = None
    title: Title | None = None
    description: Description | None = None
    link: HttpUrl | None = None
    alt_text: AltText | None = None
    scheduled_at: Instant | None = None
    status: UserStatus | None = None


class Pin(Output):
    id: int
    user_id: int
    profile_id: int | None
    pinterest_user_id: str
    pinterest_username: str
    board_id: str | None
    board_section_id: str | None
    title: str | None
    description: str | None
    link: str | None
    alt_text: str | None
    media_url: str
    status: PinStatus
    scheduled_at: datetime | None
    published_at: datetime | None
    pinterest_pin_id: str | None
    error_message: str | None
    retry_count: int
    sort_order: int
    created_at: datetime
    updated_at: datetime


PinIdList = Annotated[list[RowId], Field(min_length=1, max_length=MAX_IDS)]


class PinIds(Input):
    pin_ids: PinIdList


class BulkStatus(Input):
    pin_ids: PinIdList
    status: UserStatus


class BulkSchedule(Input):
    pin_ids: PinIdList
    scheduled_at: Instant


class Updated(Output):
    updated: int
