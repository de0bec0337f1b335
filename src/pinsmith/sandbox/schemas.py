"""Request bodies as Pinterest's OpenAPI description declares them (lengths, patterns, enums).

A body that breaks these answers 400 code 1 naming the field (see ``errors.py``); the rules that
need the state (whose board, which media) live with the routes.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

DIGITS = r"^[0-9]+$"
BASE64 = r"^[a-zA-Z0-9+/=]+$"
ImageContentType = Literal["image/jpeg", "image/png"]


class BoardCreate(BaseModel):
    name: str = Field(min_length=1)
    description: str | None = None
    privacy: Literal["PUBLIC", "PROTECTED", "SECRET"] = "PUBLIC"
    is_ads_only: bool = False


class BoardUpdate(BaseModel):
    """``BoardWithUpdatePrivacyUpdate``: privacy can only become PUBLIC or SECRET."""

    name: str | None = Field(default=None, min_length=1)
    description: str | None = None
    privacy: Literal["PUBLIC", "SECRET"] | None = None


class BoardSectionWrite(BaseModel):
    name: str = Field(min_length=1, max_length=180)


class ImageUrlSource(BaseModel):
    source_type: Literal["image_url"]
    url: str
    is_standard: bool = True


class ImageBase64Source(BaseModel):
    source_type: Literal["image_base64"]
    content_type: ImageContentType
    data: str = Field(pattern=BASE64)
    is_standard: bool = True


class ImageUrlItem(BaseModel):
    url: str
    title: str | None = None
    description: str | None = None
    link: str | None = None


class MultipleImageUrlsSource(BaseModel):
    source_type: Literal["multiple_image_urls"]
    items: list[ImageUrlItem] = Field(min_length=2, max_length=5)
    index: int | None = Field(default=None, ge=0)


class ImageBase64Item(BaseModel):
    content_type: ImageContentType
    data: str = Field(pattern=BASE64)
    title: str | None = None
    description: str | None = None
    link: str | None = None


class MultipleImageBase64Source(BaseModel):
    source_type: Literal["multiple_image_base64"]
    items: list[ImageBase64Item] = Field(min_length=2, max_length=5)
    index: int | None = Field(default=None, ge=0)


class VideoIdSource(BaseModel):
    source_type: Literal["video_id"]
    media_id: str = Field(pattern=DIGITS)
    cover_image_url: str | None = None
    cover_image_content_type: ImageContentType | None = None
    cover_image_data: str | None = None
    cover_image_key_frame_time: int | None = Field(default=None, ge=0)
    is_standard: bool = True


class PinUrlSource(BaseModel):
    source_type: Literal["pin_url"]
    is_affiliate_link: bool = False


MediaSource = Annotated[
    ImageUrlSource
    | ImageBase64Source
    | MultipleImageUrlsSource
    | MultipleImageBase64Source
    | VideoIdSource
    | PinUrlSource,
    Field(discriminator="source_type"),
]


class PinCreate(BaseModel):
    """``PinCreate``: the spec requires no property; the sandbox, like Pinterest, needs a board
    and a media source (checked with the state, in ``pins.py``)."""

    board_id: str | None = Field(default=None, pattern=DIGITS)
    board_section_id: str | None = Field(default=None, pattern=DIGITS)
    title: str | None = Field(default=None, max_length=100)
    description: str | None = Field(default=None, max_length=800)
    link: str | None = Field(default=None, max_length=2048)
    alt_text: str | None = Field(default=None, max_length=500)
    dominant_color: str | None = None
    parent_pin_id: str | None = Field(default=None, pattern=DIGITS)
    sponsor_id: str | None = Field(default=None, pattern=DIGITS)
    media_source: MediaSource | None = None


class CarouselSlot(BaseModel):
    title: str | None = None
    description: str | None = None
    link: str | None = None


class PinUpdate(BaseModel):
    """``PinUpdate``: only the fields sent change (``model_fields_set``)."""

    title: str | None = Field(default=None, max_length=100)
    description: str | None = Field(default=None, max_length=800)
    link: str | None = Field(default=None, max_length=2048)
    alt_text: str | None = Field(default=None, max_length=500)
    board_id: str | None = Field(default=None, pattern=DIGITS)
    board_section_id: str | None = Field(default=None, pattern=DIGITS)
    carousel_slots: list[CarouselSlot] | None = None


class MediaUploadCreate(BaseModel):
    media_type: Literal["video"]


class FollowUserRequest(BaseModel):
    auto_follow: bool = False
