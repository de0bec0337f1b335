"""Rendering a pin's image off the event loop, and keeping it as media a pin can use.

A render is CPU work (tens to hundreds of milliseconds): it runs in a worker thread, a few at a
time, so the server keeps answering meanwhile. A kept render is a JPEG under ``renders/`` in the
media dir and a ``MediaFile`` row of its owner, exactly like an upload: its URL works as a pin's
``media_url``, and publishing sends it to Pinterest from disk.
"""

from __future__ import annotations

import functools
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import anyio
import anyio.to_thread
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.config import Settings
from pinsmith.kit.errors import PinsmithError
from pinsmith.media.repository import MediaFileRepository
from pinsmith.media.service import write_atomically
from pinsmith.models import MediaFile, User
from pinsmith.render import PinFields, TemplateSpec, render_jpeg

logger = logging.getLogger(__name__)

RENDERS_DIR = "renders"
JPEG = "image/jpeg"
_rendering = anyio.CapacityLimiter(max(1, min(4, os.cpu_count() or 1)))


class RenderFailed(PinsmithError):
    """The renderer broke on input it had accepted: a bug, logged, never the caller's fault."""

    status_code: ClassVar[int] = 500

    def __init__(self) -> None:
        super().__init__("Unable to generate image")


@dataclass(frozen=True)
class RenderedImage:
    jpeg: bytes
    width: int
    height: int


@dataclass(frozen=True)
class StoredRender:
    """A render written under the media dir, not yet recorded; ``path`` is relative to it."""

    path: str
    image: RenderedImage


async def render_image(
    spec: TemplateSpec, fields: PinFields, photo: Image.Image | None, *, colour: str | None
) -> RenderedImage:
    """The pin as JPEG; the photo (decoded) and the colour were checked by the caller."""
    paint = functools.partial(render_jpeg, spec, fields, photo, colour=colour)
    try:
        jpeg = await anyio.to_thread.run_sync(paint, limiter=_rendering)
    except Exception:
        logger.exception(
            "rendering failed (%sx%s, %s layers)", spec.width, spec.height, len(spec.layers)
        )
        raise RenderFailed from None
    return RenderedImage(jpeg, spec.width, spec.height)


async def write(settings: Settings, image: RenderedImage) -> StoredRender:
    """Write the JPEG under an unguessable name; a reader sees all of it or nothing."""
    stored = StoredRender(f"{RENDERS_DIR}/{secrets.token_hex(16)}.jpg", image)
    await anyio.to_thread.run_sync(_write, settings.media_path, stored)
    return stored


def _write(media_dir: Path, stored: StoredRender) -> None:
    target = media_dir / stored.path
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, stored.image.jpeg)


async def record(session: AsyncSession, user: User, stored: StoredRender) -> MediaFile:
    """The render's row, owned by ``user``: what makes its URL usable as a pin's media."""
    row = MediaFile(
        user_id=user.id,
        path=stored.path,
        publish_path=stored.path,  # JPEG: Pinterest takes it as it is
        content_type=JPEG,
        width=stored.image.width,
        height=stored.image.height,
        size_bytes=len(stored.image.jpeg),
    )
    return await MediaFileRepository(session).add(row)


def discard(settings: Settings, stored: StoredRender) -> None:
    """Remove a render whose row was not kept (the transaction failed or was refused)."""
    (settings.media_path / stored.path).unlink(missing_ok=True)
