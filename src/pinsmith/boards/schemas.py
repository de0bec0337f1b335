from __future__ import annotations

from typing import Literal

from pydantic import Field

from pinsmith.kit.schemas import Input, Output

BoardPrivacy = Literal["PUBLIC", "PROTECTED", "SECRET"]


class BoardItem(Output):
    id: str
    name: str
    description: str | None
    privacy: str


class BoardList(Output):
    """PinFlow's ``GET /boards``, plus each board's privacy."""

    pinterest_user_id: str
    pinterest_username: str
    items: list[BoardItem]


class BoardPinCounts(Output):
    """PinFlow's counts of one board's pins in pinsmith, plus the board's name."""

    board_id: str
    name: str | None = Field(description="None for a board no longer on Pinterest")
    total_pins: int
    published_pins: int
    scheduled_pins: int = Field(description="Queued, scheduled or being published")
    draft_pins: int = Field(description="Drafts and pins awaiting review")
    failed_pins: int


class BoardAnalytics(Output):
    pinterest_user_id: str
    pinterest_username: str
    boards: list[BoardPinCounts]


class BoardCreate(Input):
    name: str = Field(min_length=1, max_length=180)
    description: str | None = Field(default=None, max_length=500)
    privacy: BoardPrivacy = "PUBLIC"


class Section(Output):
    id: str
    name: str


class SectionList(Output):
    board_id: str
    items: list[Section]


class SectionCreate(Input):
    name: str = Field(min_length=1, max_length=180)
