"""Pinterest's answers as typed models: the fields of the v5 schemas that pinsmith reads.

Requiredness mirrors ``openapi.yaml`` except for ids the client's contract depends on (a
section's ``id``, an upload's ``upload_url``): an answer without them is an
:class:`~pinsmith.pinterest.errors.UnexpectedResponse`. Enumerations stay ``str`` so that a
value Pinterest adds later does not break parsing, and unknown fields are ignored.
Pinterest sends some timestamps without an offset; they are UTC and become aware here.
"""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, RootModel

__all__ = [
    "Account",
    "AnalyticsMetrics",
    "AnalyticsReport",
    "Board",
    "BoardMedia",
    "BoardOwner",
    "BoardSection",
    "DailyMetrics",
    "ImageDetails",
    "Media",
    "MediaUpload",
    "Page",
    "Pin",
    "PinMedia",
    "PinMediaItem",
    "UserSummary",
]


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


class PinterestModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Page(PinterestModel):
    """One page of a list: ``bookmark`` is the cursor of the next page, None on the last.

    Items stay raw here; the paginator parses each into the list's model.
    """

    items: list[Any]
    bookmark: str | None = None


class Account(PinterestModel):
    """``GET /v5/user_account``. The spec requires none of these fields."""

    id: str | None = None
    username: str | None = None
    account_type: str | None = None  # PINNER | BUSINESS
    profile_image: str | None = None
    website_url: str | None = None
    about: str | None = None
    business_name: str | None = None
    board_count: int | None = None
    pin_count: int | None = None
    follower_count: int | None = None
    following_count: int | None = None
    monthly_views: int | None = None


class BoardOwner(PinterestModel):
    username: str | None = None


class BoardMedia(PinterestModel):
    image_cover_url: str | None = None
    pin_thumbnail_urls: list[str] = Field(default_factory=list)


class Board(PinterestModel):
    id: str
    name: str
    description: str | None = None
    privacy: str = "PUBLIC"  # PUBLIC | PROTECTED | SECRET
    is_ads_only: bool = False
    created_at: UtcDatetime | None = None
    board_pins_modified_at: UtcDatetime | None = None
    pin_count: int | None = None
    follower_count: int | None = None
    collaborator_count: int | None = None
    owner: BoardOwner | None = None
    media: BoardMedia | None = None


class BoardSection(PinterestModel):
    id: str
    name: str


class ImageDetails(PinterestModel):
    url: str
    width: int | None = None
    height: int | None = None


class PinMediaItem(PinterestModel):
    """One slide of a carousel (``multiple_images``) or mixed pin."""

    item_type: str | None = None
    title: str | None = None
    description: str | None = None
    link: str | None = None
    images: dict[str, ImageDetails] | None = None


class PinMedia(PinterestModel):
    """A pin's media; which fields are set depends on ``media_type``
    (image, video, multiple_images, multiple_videos, multiple_mixed).
    """

    media_type: str
    images: dict[str, ImageDetails] | None = None  # keyed by size, e.g. "600x"
    cover_image_url: str | None = None
    video_url: str | None = None
    duration: float | None = None  # milliseconds; null while the video is processed
    width: int | None = None
    height: int | None = None
    items: list[PinMediaItem] | None = None


class Pin(PinterestModel):
    id: str
    created_at: UtcDatetime | None = None
    link: str | None = None
    title: str | None = None
    description: str | None = None
    alt_text: str | None = None
    dominant_color: str | None = None
    board_id: str | None = None
    board_section_id: str | None = None
    board_owner: BoardOwner | None = None
    parent_pin_id: str | None = None
    is_owner: bool | None = None
    is_standard: bool | None = None
    has_been_promoted: bool | None = None
    creative_type: str | None = None
    pin_metrics: dict[str, Any] | None = None
    media: PinMedia | None = None


class MediaUpload(PinterestModel):
    """A registered upload: POST the file to ``upload_url`` with every ``upload_parameters``."""

    media_id: str
    media_type: str
    upload_url: str
    upload_parameters: dict[str, str]


class Media(PinterestModel):
    """An upload's processing state: registered, processing, succeeded or failed."""

    media_id: str
    media_type: str
    status: str | None = None


class UserSummary(PinterestModel):
    username: str | None = None
    type: str | None = None  # always "user"


class DailyMetrics(PinterestModel):
    date: dt.date
    data_status: str | None = None  # READY, PROCESSING, ESTIMATE, BEFORE_* ...
    metrics: dict[str, float | None] = Field(default_factory=dict)


class AnalyticsMetrics(PinterestModel):
    """One split group of an analytics answer (``lifetime_metrics`` only for pins)."""

    daily_metrics: list[DailyMetrics] = Field(default_factory=list)
    summary_metrics: dict[str, float | None] = Field(default_factory=dict)
    lifetime_metrics: dict[str, int | None] = Field(default_factory=dict)


class AnalyticsReport(RootModel[dict[str, AnalyticsMetrics]]):
    """An analytics answer: split group (``"all"``...; the spec names none) -> metrics."""
