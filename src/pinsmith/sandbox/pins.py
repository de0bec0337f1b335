"""``/v5/pins``: create, read, update and delete pins, with Pinterest's validation."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Query, Response, status

from pinsmith.sandbox.access import sees_board, sees_pin, visible_pin, writable_pin
from pinsmith.sandbox.auth import Caller, authorized, require_scopes
from pinsmith.sandbox.entities import Board, Pin, PinImage, PinVideo
from pinsmith.sandbox.errors import SandboxError
from pinsmith.sandbox.filters import CreativeTypes, keep_creative_types
from pinsmith.sandbox.images import PLACEHOLDER_SIZE, decode_image
from pinsmith.sandbox.pagination import Paging, paginate
from pinsmith.sandbox.params import PinId, SandboxDep
from pinsmith.sandbox.routing import SandboxRoute
from pinsmith.sandbox.schemas import (
    ImageBase64Source,
    ImageUrlSource,
    MediaSource,
    MultipleImageBase64Source,
    MultipleImageUrlsSource,
    PinCreate,
    PinUpdate,
    VideoIdSource,
)
from pinsmith.sandbox.state import Sandbox
from pinsmith.sandbox.views import View

router = APIRouter(prefix="/v5/pins", route_class=SandboxRoute, tags=["pins"])

PinsReader = Annotated[Caller, Depends(authorized("org_read", "boards:read", "pins:read"))]
PinsWriter = Annotated[
    Caller,
    Depends(authorized("org_write", "boards:read", "boards:write", "pins:read", "pins:write")),
]


@router.get("")
async def list_pins(
    caller: PinsReader,
    sandbox: SandboxDep,
    view: View,
    page: Paging,
    pin_filter: Annotated[
        Literal["exclude_native", "exclude_repins", "has_been_promoted"] | None, Query()
    ] = None,
    include_protected_pins: bool = False,
    pin_type: Annotated[Literal["PRIVATE"] | None, Query()] = None,
    creative_types: CreativeTypes = None,
    pin_metrics: bool = False,
) -> dict[str, Any]:
    """The user's pins, newest first; pins on protected (ads-only) boards only on request."""

    def wanted(pin: Pin) -> bool:
        board = sandbox.board(pin.board_id)
        if board is None or not sees_pin(caller, sandbox, pin):
            return False
        if board.privacy == "PROTECTED" and not include_protected_pins:
            return False
        if pin_type == "PRIVATE" and board.privacy != "SECRET":
            return False
        is_repin = pin.parent_pin_id is not None
        return not (
            (pin_filter == "exclude_native" and not is_repin)
            or (pin_filter == "exclude_repins" and is_repin)
            or pin_filter == "has_been_promoted"
        )

    pins = keep_creative_types(filter(wanted, sandbox.pins_of(caller.user.id)), creative_types)
    return paginate(
        pins, page, lambda pin: view.pin(pin, with_metrics=pin_metrics), newest_first=True
    )


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_pin(
    body: PinCreate, caller: PinsWriter, sandbox: SandboxDep, view: View
) -> dict[str, Any]:
    return view.pin(sandbox.store_pin(build_pin(sandbox, caller, body)))


@router.get("/{pin_id}")
async def get_pin(
    pin_id: PinId, caller: PinsReader, sandbox: SandboxDep, view: View, pin_metrics: bool = False
) -> dict[str, Any]:
    return view.pin(visible_pin(caller, sandbox, pin_id), with_metrics=pin_metrics)


@router.patch("/{pin_id}")
async def update_pin(
    pin_id: PinId, body: PinUpdate, caller: PinsWriter, sandbox: SandboxDep, view: View
) -> dict[str, Any]:
    pin = writable_pin(caller, sandbox, pin_id)
    apply_update(sandbox, caller, pin, body)
    return view.pin(pin)


@router.delete("/{pin_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_pin(pin_id: PinId, caller: PinsWriter, sandbox: SandboxDep) -> Response:
    sandbox.delete_pin(writable_pin(caller, sandbox, pin_id).id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def build_pin(sandbox: Sandbox, caller: Caller, body: PinCreate) -> Pin:
    """A new pin from a ``PinCreate``, after every check Pinterest makes (400 code 1 naming the
    field): a board of the caller's, a section of that board, usable media."""
    if body.board_id is None:
        raise SandboxError.invalid("board_id", "Field required")
    if body.media_source is None:
        raise SandboxError.invalid("media_source", "Field required")
    board = target_board(sandbox, caller, body.board_id)
    section_id = target_section(sandbox, board, body.board_section_id)
    pin = Pin(
        id=sandbox.new_id(),
        owner_id=caller.user.id,
        board_id=board.id,
        section_id=section_id,
        title=body.title,
        description=body.description,
        link=body.link,
        alt_text=body.alt_text,
        dominant_color=body.dominant_color,
        parent_pin_id=body.parent_pin_id,
        created_at=sandbox.now(),
    )
    attach_media(sandbox, caller, pin, body.media_source)
    return pin


def target_board(sandbox: Sandbox, caller: Caller, board_id: str) -> Board:
    board = sandbox.board(board_id)
    if board is None or not sees_board(caller, board):
        raise SandboxError.invalid("board_id", f"board {board_id} not found")
    if board.privacy == "SECRET":
        require_scopes(caller, "pins:write_secret")
    return board


def target_section(sandbox: Sandbox, board: Board, section_id: str | None) -> str | None:
    if section_id is None:
        return None
    section = sandbox.section(section_id)
    if section is None or section.board_id != board.id:
        raise SandboxError.invalid("board_section_id", f"section {section_id} not on this board")
    return section.id


def attach_media(sandbox: Sandbox, caller: Caller, pin: Pin, source: MediaSource) -> None:
    """Fill the pin's pictures (or video) from its ``media_source``."""
    field = "media_source"
    if isinstance(source, ImageUrlSource):
        pin.images = [PinImage(url=checked_url(f"{field}.url", source.url))]
        pin.is_standard = source.is_standard
    elif isinstance(source, ImageBase64Source):
        image, colour = stored_image(sandbox, f"{field}.data", source.content_type, source.data)
        pin.images = [image]
        pin.is_standard = source.is_standard
        pin.dominant_color = pin.dominant_color or colour
    elif isinstance(source, MultipleImageUrlsSource):
        pin.media_type = "multiple_images"
        pin.images = [
            PinImage(
                url=checked_url(f"{field}.items.{index}.url", item.url),
                title=item.title,
                description=item.description,
                link=item.link,
            )
            for index, item in enumerate(source.items)
        ]
    elif isinstance(source, MultipleImageBase64Source):
        pin.media_type = "multiple_images"
        pin.images = []
        for index, item in enumerate(source.items):
            item_field = f"{field}.items.{index}.data"
            image, colour = stored_image(sandbox, item_field, item.content_type, item.data)
            image.title, image.description, image.link = item.title, item.description, item.link
            pin.images.append(image)
            pin.dominant_color = pin.dominant_color or colour
    elif isinstance(source, VideoIdSource):
        pin.media_type = "video"
        media_id = usable_video(sandbox, caller, source)
        pin.video = PinVideo(media_id=media_id, cover=video_cover(sandbox, source))
        pin.is_standard = source.is_standard
    else:
        message = "pin_url (product Pins, a beta) is not available in the sandbox"
        raise SandboxError.invalid(f"{field}.source_type", message)


def checked_url(field: str, url: str) -> str:
    """Pinterest fetches the picture itself; the sandbox only checks that it could try."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SandboxError.invalid(field, "must be an http(s) URL")
    return url


def stored_image(
    sandbox: Sandbox, field: str, content_type: str, data: str
) -> tuple[PinImage, str]:
    """A base64 picture, decoded and kept for the sandbox to serve, with its average colour."""
    decoded = decode_image(field, content_type, data)
    stored = sandbox.store_file(decoded.content_type, decoded.data)
    image = PinImage(file_id=stored.id, width=decoded.width, height=decoded.height)
    return image, decoded.dominant_color


def usable_video(sandbox: Sandbox, caller: Caller, source: VideoIdSource) -> str:
    field = "media_source.media_id"
    media = sandbox.media(source.media_id)
    if media is None or media.owner_id != caller.user.id:
        raise SandboxError.invalid(field, f"media {source.media_id} not found")
    state = sandbox.media_status(media)
    if state != "succeeded":
        raise SandboxError.invalid(field, f"media {media.id} is {state}, not succeeded")
    return media.id


def video_cover(sandbox: Sandbox, source: VideoIdSource) -> PinImage:
    """Exactly one cover: a URL, base64 data with its content type, or a key-frame time."""
    field = "media_source"
    given = [
        name
        for name in ("cover_image_url", "cover_image_data", "cover_image_key_frame_time")
        if getattr(source, name) is not None
    ]
    if len(given) != 1:
        choices = "cover_image_url, cover_image_data or cover_image_key_frame_time"
        raise SandboxError.invalid(field, f"give exactly one cover out of {choices}")
    if source.cover_image_url is not None:
        return PinImage(url=checked_url(f"{field}.cover_image_url", source.cover_image_url))
    if source.cover_image_data is not None:
        if source.cover_image_content_type is None:
            raise SandboxError.invalid(f"{field}.cover_image_content_type", "Field required")
        data_field = f"{field}.cover_image_data"
        content_type, data = source.cover_image_content_type, source.cover_image_data
        return stored_image(sandbox, data_field, content_type, data)[0]
    # A key frame: the sandbox does not decode video, its placeholder stands in for the frame.
    return PinImage(width=PLACEHOLDER_SIZE[0], height=PLACEHOLDER_SIZE[1])


def apply_update(sandbox: Sandbox, caller: Caller, pin: Pin, body: PinUpdate) -> None:
    """``PATCH``: only the fields sent change; moving boards drops the old board's section."""
    sent = body.model_fields_set
    for name in ("title", "description", "link", "alt_text"):
        if name in sent:
            setattr(pin, name, getattr(body, name))
    if "board_id" in sent or "board_section_id" in sent:
        if "board_id" in sent and body.board_id is None:
            raise SandboxError.invalid("board_id", "cannot be null")
        board = target_board(sandbox, caller, body.board_id or pin.board_id)
        if "board_section_id" in sent:
            section_id = target_section(sandbox, board, body.board_section_id)
        else:
            section_id = pin.section_id if board.id == pin.board_id else None
        sandbox.move_pin(pin, board.id, section_id)
    if body.carousel_slots is not None:
        if pin.media_type != "multiple_images":
            raise SandboxError.invalid("carousel_slots", "only carousel Pins have slots")
        if len(body.carousel_slots) > len(pin.images):
            raise SandboxError.invalid("carousel_slots", f"this Pin has {len(pin.images)} slots")
        for slot, image in zip(body.carousel_slots, pin.images, strict=False):
            for name in slot.model_fields_set:
                setattr(image, name, getattr(slot, name))
    sandbox.commit()
