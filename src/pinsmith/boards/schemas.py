from __future__ import annotations

from typing import Literal

from pydantic import Field

from pinsmith.kit.schemas import Input, Output, RowId
from pinsmith.pins.schemas import AltText, Description, HttpUrl, Title

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


class BoardSuggest(Input):
    """A pin's text; at least a title or a description."""

    title: Title | None = None
    description: Description | None = None
    link: HttpUrl | None = None
    alt_text: AltText | None = None
    profile_id: RowId | None = Field(default=None, description="Default: the selected profile")


class SuggestedBoard(Output):
    id: str
    name: str
    section: Section | None = Field(description="The board's best section for the pin, if any")
    score: float = Field(ge=0, le=1, description="How well the pin fits, 0 to 1")
    reason: str


class BoardSuggestion(Output):
    boards: list[SuggestedBoard] = Field(description="The best boards, best first (at most 5)")
    decision: Literal["existing", "new"] = Field(
        description="existing: the first board fits; new: none fits, a new board is suggested"
    )
    new_board_name: str | None
    ranker: str = Field(description="Which ranker decided: llm, semantic or lexical")
    notes: list[str] = Field(description="e.g. why the LLM ranker was not used")
