"""What a new pin shows: the ``media_source`` variants of ``POST /v5/pins`` that pinsmith uses.

Each one checks Pinterest's constraints when it is built, so a bad source fails in the caller's
hands instead of spending a write on a 400.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

__all__ = [
    "CarouselImage",
    "ImageBase64",
    "ImageContentType",
    "ImageUrl",
    "MediaSource",
    "MultipleImageUrls",
    "VideoId",
]

ImageContentType = Literal["image/jpeg", "image/png"]
_BASE64 = re.compile(r"^[a-zA-Z0-9+/=]+$")  # Pinterest's pattern: no data-URI prefix, no newlines
_DIGITS = re.compile(r"^[0-9]+$")
MIN_CAROUSEL_ITEMS = 2
MAX_CAROUSEL_ITEMS = 5


def _check_url(url: str) -> None:
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"Pinterest fetches images by http(s) URL, got {url!r}")


@dataclass(frozen=True)
class ImageUrl:
    """An image Pinterest downloads itself (so it must be reachable from the internet)."""

    url: str

    def __post_init__(self) -> None:
        _check_url(self.url)

    def to_api(self) -> dict[str, Any]:
        return {"source_type": "image_url", "url": self.url}


@dataclass(frozen=True)
class ImageBase64:
    """An image sent inline: how pinsmith ships media it hosts behind a home router."""

    content_type: ImageContentType
    data: str  # base64, without a "data:image/...;base64," prefix

    def __post_init__(self) -> None:
        if self.content_type not in get_args(ImageContentType):
            raise ValueError(f"Pinterest takes image/jpeg or image/png, got {self.content_type!r}")
        if not _BASE64.match(self.data):
            raise ValueError(
                "data must be plain base64 (no data-URI prefix, no whitespace or newlines)"
            )

    @classmethod
    def from_bytes(cls, content: bytes, content_type: ImageContentType) -> ImageBase64:
        return cls(content_type, base64.b64encode(content).decode("ascii"))

    def to_api(self) -> dict[str, Any]:
        return {"source_type": "image_base64", "content_type": self.content_type, "data": self.data}


@dataclass(frozen=True)
class CarouselImage:
    """One slide of a carousel pin; title, description and link are the slide's own."""

    url: str
    title: str | None = None
    description: str | None = None
    link: str | None = None

    def __post_init__(self) -> None:
        _check_url(self.url)

    def to_api(self) -> dict[str, Any]:
        fields = {"title": self.title, "description": self.description, "link": self.link}
        return {"url": self.url} | {key: value for key, value in fields.items() if value}


@dataclass(frozen=True)
class MultipleImageUrls:
    """A carousel pin of 2 to 5 images given by URL (plain URLs or :class:`CarouselImage`)."""

    items: Sequence[CarouselImage | str]
    index: int | None = None  # the slide shown first

    def __post_init__(self) -> None:
        slides = tuple(
            item if isinstance(item, CarouselImage) else CarouselImage(item) for item in self.items
        )
        if not MIN_CAROUSEL_ITEMS <= len(slides) <= MAX_CAROUSEL_ITEMS:
            raise ValueError(f"a carousel has 2 to 5 images, got {len(slides)}")
        if self.index is not None and not 0 <= self.index < len(slides):
            raise ValueError(f"index {self.index} is not one of the {len(slides)} slides")
        object.__setattr__(self, "items", slides)

    @property
    def slides(self) -> tuple[CarouselImage, ...]:
        return tuple(item for item in self.items if isinstance(item, CarouselImage))

    def to_api(self) -> dict[str, Any]:
        source: dict[str, Any] = {
            "source_type": "multiple_image_urls",
            "items": [slide.to_api() for slide in self.slides],
        }
        if self.index is not None:
            source["index"] = self.index
        return source


@dataclass(frozen=True)
class VideoId:
    """A video uploaded through ``register_video``/``upload_video``, with one cover source:
    an image URL, or the frame at a time in seconds (past the end means the last frame).
    """

    media_id: str
    cover_image_url: str | None = None
    cover_image_key_frame_time: int | None = None

    def __post_init__(self) -> None:
        if not _DIGITS.match(self.media_id):
            raise ValueError(f"a media id is all digits, got {self.media_id!r}")
        covers = (self.cover_image_url, self.cover_image_key_frame_time)
        if sum(cover is not None for cover in covers) != 1:
            raise ValueError("give exactly one of cover_image_url or cover_image_key_frame_time")
        if self.cover_image_url is not None:
            _check_url(self.cover_image_url)
        if self.cover_image_key_frame_time is not None and self.cover_image_key_frame_time < 0:
            raise ValueError("cover_image_key_frame_time is seconds from the start, at least 0")

    def to_api(self) -> dict[str, Any]:
        source: dict[str, Any] = {"source_type": "video_id", "media_id": self.media_id}
        if self.cover_image_url is not None:
            source["cover_image_url"] = self.cover_image_url
        else:
            source["cover_image_key_frame_time"] = self.cover_image_key_frame_time
        return source


MediaSource = ImageUrl | ImageBase64 | MultipleImageUrls | VideoId
