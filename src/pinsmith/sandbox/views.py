"""How each entity looks on the wire, field names exactly as in Pinterest's OpenAPI description.

Links to files the sandbox serves itself are absolute, built from the request's base URL, so they
work wherever the sandbox runs.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Request

from pinsmith.sandbox.auth import sandbox_of
from pinsmith.sandbox.entities import Board, Media, Pin, PinImage, SandboxUser, Section
from pinsmith.sandbox.images import PLACEHOLDER_SIZE
from pinsmith.sandbox.metrics import pin_metrics
from pinsmith.sandbox.state import Sandbox

Json = dict[str, Any]

#: Pinterest's image sizes: name -> (width, fixed height or None to keep the aspect ratio).
IMAGE_SIZES: dict[str, tuple[int, int | None]] = {
    "150x150": (150, 150),
    "400x300": (400, 300),
    "600x": (600, None),
    "1200x": (1200, None),
}
#: A URL-sourced image is never fetched (no network), so its size is assumed: a 2:3 pin.
ASSUMED_SIZE = (1000, 1500)
VIDEO_SIZE = (1080, 1920)


def timestamp(value: datetime) -> str:
    """RFC 3339 in UTC, to the second (the spec's ``format: date-time``)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Views:
    def __init__(self, sandbox: Sandbox, base_url: str) -> None:
        self.sandbox = sandbox
        self.base_url = base_url.rstrip("/")

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def account(self, user: SandboxUser) -> Json:
        sandbox = self.sandbox
        return {
            "account_type": user.account_type,
            "id": user.id,
            "username": user.username,
            "profile_image": user.profile_image or self.url("/_sandbox/placeholder.png"),
            "website_url": user.website_url,
            "about": user.about,
            "business_name": user.business_name,
            "board_count": len(sandbox.boards_of(user.id)),
            "pin_count": len(sandbox.pins_of(user.id)),
            "follower_count": len(sandbox.followers_of(user.id)),
            "following_count": len(user.following_user_ids),
            "monthly_views": user.monthly_views,
        }

    def user_summary(self, user: SandboxUser) -> Json:
        return {"type": "user", "username": user.username}

    def board(self, board: Board) -> Json:
        pins = self.sandbox.pins_on_board(board.id)
        owner = self.sandbox.user(board.owner_id)
        cover = self.image_sizes(pins[0].images[0] if pins[0].images else None) if pins else None
        return {
            "id": board.id,
            "created_at": timestamp(board.created_at),
            "board_pins_modified_at": timestamp(board.pins_modified_at),
            "name": board.name,
            "description": board.description,
            "collaborator_count": 0,
            "pin_count": len(pins),
            "follower_count": len(
                [u for u in self.sandbox.users() if board.id in u.following_board_ids]
            ),
            "media": {
                "image_cover_url": cover["400x300"]["url"] if cover else None,
                "pin_thumbnail_urls": [self.thumbnail(pin) for pin in pins[:4]],
            },
            "owner": {"username": owner.username if owner else ""},
            "privacy": board.privacy,
            "is_ads_only": board.is_ads_only,
        }

    def section(self, section: Section) -> Json:
        return {"id": section.id, "name": section.name}

    def pin(self, pin: Pin, *, with_metrics: bool = False) -> Json:
        board = self.sandbox.board(pin.board_id)
        owner = self.sandbox.user(board.owner_id) if board else None
        return {
            "id": pin.id,
            "created_at": timestamp(pin.created_at),
            "link": pin.link,
            "title": pin.title,
            "description": pin.description,
            "dominant_color": pin.dominant_color,
            "alt_text": pin.alt_text,
            "creative_type": pin.creative_type,
            "board_id": pin.board_id,
            "board_section_id": pin.section_id,
            "board_owner": {"username": owner.username if owner else ""},
            "is_owner": True,
            "media": self.pin_media(pin),
            "parent_pin_id": pin.parent_pin_id,
            "is_standard": pin.is_standard,
            "has_been_promoted": False,
            "pin_metrics": pin_metrics(pin, self.sandbox.now().date()) if with_metrics else None,
        }

    def pin_media(self, pin: Pin) -> Json:
        if pin.media_type == "multiple_images":
            items = [
                {
                    "item_type": "image",
                    "title": image.title,
                    "description": image.description,
                    "link": image.link,
                    "images": self.image_sizes(image),
                }
                for image in pin.images
            ]
            return {"media_type": "multiple_images", "items": items}
        if pin.media_type == "video" and pin.video is not None:
            return self.video(pin)
        return {"media_type": "image", "images": self.image_sizes(pin.images[0])}

    def video(self, pin: Pin) -> Json:
        """Video details stay null while Pinterest would still be processing the new pin."""
        assert pin.video is not None
        media = self.sandbox.media(pin.video.media_id)
        stored = self.sandbox.file(media.file_id) if media and media.file_id else None
        processing = timedelta(seconds=self.sandbox.config.media_processing_seconds)
        ready = self.sandbox.now() >= pin.created_at + processing
        cover = self.image_sizes(pin.video.cover)
        return {
            "media_type": "video",
            "cover_image_url": cover["1200x"]["url"],
            "video_url": self.url(f"/_sandbox/files/{stored.id}") if stored else None,
            "duration": float(5_000 + len(stored.data) % 55_000) if ready and stored else None,
            "height": VIDEO_SIZE[1] if ready else None,
            "width": VIDEO_SIZE[0] if ready else None,
            "images": cover,
        }

    def image_url(self, image: PinImage) -> str:
        if image.url:
            return image.url
        if image.file_id:
            return self.url(f"/_sandbox/files/{image.file_id}")
        return self.url("/_sandbox/placeholder.png")

    def image_sizes(self, image: PinImage | None) -> Json:
        image = image or PinImage()
        url = self.image_url(image)
        if image.width and image.height:
            original = (image.width, image.height)
        else:
            original = ASSUMED_SIZE if image.url else PLACEHOLDER_SIZE
        sizes: Json = {}
        for name, (width, height) in IMAGE_SIZES.items():
            if height is None:
                width = min(width, original[0])
                height = round(original[1] * width / original[0])
            sizes[name] = {"width": width, "height": height, "url": url}
        return sizes

    def thumbnail(self, pin: Pin) -> str:
        image = pin.video.cover if pin.video else (pin.images[0] if pin.images else None)
        return str(self.image_sizes(image)["150x150"]["url"])

    def media(self, media: Media) -> Json:
        return {
            "media_id": media.id,
            "media_type": media.media_type,
            "status": self.sandbox.media_status(media),
        }


async def views(request: Request) -> Views:
    return Views(sandbox_of(request), str(request.base_url))


View = Annotated[Views, Depends(views)]
