"""Hosted media: image uploads (PinFlow's ``POST /pins/upload-image``) and recognising our URLs.

An upload keeps the original bytes as sent and, for the formats Pinterest refuses as uploaded
bytes (GIF, WebP, AVIF), a JPEG or PNG copy that publishing sends instead (``publish_path``).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import SplitResult, quote, unquote, urlsplit

import anyio
import anyio.to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.config import Settings
from pinsmith.kit.errors import NotFound, PayloadTooLarge, UnsupportedMediaType
from pinsmith.media import images
from pinsmith.media.repository import MediaFileRepository
from pinsmith.models import MediaFile, User

UPLOADS_DIR = "uploads"
MEDIA_URL_PATH = "/media/"  # where app.py mounts the media dir
READ_CHUNK_BYTES = 256 * 1024
# The multipart framing around the file (boundaries, part headers): a request body this much
# over the file cap may still carry a file under it, so only a body beyond it is refused unread.
MULTIPART_ALLOWANCE_BYTES = 64 * 1024
# Decoding holds the whole image in memory (up to ~160 MB at 40 MP): a few at a time at most.
_image_work = anyio.CapacityLimiter(max(2, min(8, os.cpu_count() or 2)))
_DEFAULT_PORTS = {"http": 80, "https": 443}


class ByteSource(Protocol):
    """What an upload is read from: FastAPI's ``UploadFile`` is one."""

    async def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class StoredFiles:
    """Paths relative to the media dir."""

    path: str
    publish_path: str


async def upload(
    session: AsyncSession, settings: Settings, user: User, source: ByteSource
) -> MediaFile:
    """Store an uploaded image for ``user`` and record it; refuse anything but a sound image."""
    data = await _read_within(source, settings.max_upload_bytes)
    prepared = await _prepare(data, settings.max_image_pixels)
    media_dir = settings.media_path
    stored = await anyio.to_thread.run_sync(_store, media_dir, data, prepared)
    row = MediaFile(
        user_id=user.id,
        path=stored.path,
        publish_path=stored.publish_path,
        content_type=prepared.info.format.content_type,
        width=prepared.info.width,
        height=prepared.info.height,
        size_bytes=len(data),
    )
    try:
        return await MediaFileRepository(session).add(row)
    except BaseException:
        _remove(media_dir, stored)  # no file without its row (inline: also when cancelled)
        raise


def media_url(settings: Settings, media_file: MediaFile) -> str:
    """The public address of the original, as returned to the uploader."""
    return _public_base(settings) + MEDIA_URL_PATH + quote(media_file.path)


def is_local_media_url(settings: Settings, url: str) -> bool:
    """True when ``url`` points into our media dir: our own absolute URL or a ``/media/`` path.

    Such a URL is never fetched over HTTP (it may be loopback, behind a home router): the pins
    service looks the file up with ``find_by_url`` instead.
    """
    return _relative_media_path(settings, url) is not None


async def find_by_url(
    session: AsyncSession, settings: Settings, user: User, url: str
) -> MediaFile | None:
    """The upload ``url`` names, if it is ``user``'s: another user's is as good as missing."""
    path = _relative_media_path(settings, url)
    if path is None:
        return None
    return await MediaFileRepository(session).get_owned_by_path(path, user.id)


async def publishable_image(
    session: AsyncSession, settings: Settings, user_id: int, url: str
) -> tuple[str, bytes] | None:
    """``(content_type, bytes)`` of the JPEG or PNG to send Pinterest for one of our own uploads;
    None when ``url`` is not ours (Pinterest then fetches it itself)."""
    path = _relative_media_path(settings, url)
    if path is None:
        return None
    media_file = await MediaFileRepository(session).get_owned_by_path(path, user_id)
    target = settings.media_path / media_file.publish_path if media_file else None
    if target is None or not target.is_file():
        raise NotFound(f"The uploaded image {url} no longer exists")
    content_type = "image/png" if target.suffix.lower() == ".png" else "image/jpeg"
    return content_type, await anyio.to_thread.run_sync(target.read_bytes)


def request_body_limit(settings: Settings) -> int:
    """The largest request body an upload may have: the file cap plus the multipart framing."""
    return settings.max_upload_bytes + MULTIPART_ALLOWANCE_BYTES


def check_declared_length(settings: Settings, content_length: str | None) -> None:
    """Refuse from the ``Content-Length`` header alone, before any of the body is read."""
    if content_length is None or not content_length.strip().isdigit():
        return  # absent (chunked) or malformed: the bytes are counted as they arrive instead
    if int(content_length) > request_body_limit(settings):
        raise too_large(settings)


def too_large(settings: Settings) -> PayloadTooLarge:
    return _too_large(settings.max_upload_bytes)


async def _read_within(source: ByteSource, limit: int) -> bytes:
    """Read in chunks and stop at the cap: the declared length may lie or be absent."""
    chunks: list[bytes] = []
    total = 0
    while chunk := await source.read(READ_CHUNK_BYTES):
        total += len(chunk)
        if total > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def _prepare(data: bytes, max_pixels: int) -> images.PreparedImage:
    try:
        return await anyio.to_thread.run_sync(images.prepare, data, max_pixels, limiter=_image_work)
    except images.UnsupportedImage:
        raise UnsupportedMediaType(
            "The file is not a complete image of an accepted type. "
            f"Accepted types: {images.ACCEPTED_NAMES} (recognised from the content, "
            "not the file name)"
        ) from None
    except images.TooManyPixels as exc:
        raise PayloadTooLarge(_describe_pixels(exc)) from None


def _store(media_dir: Path, data: bytes, prepared: images.PreparedImage) -> StoredFiles:
    """Write the original (and the copy) under an unguessable name; all of it or nothing."""
    folder = media_dir / UPLOADS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    stem = secrets.token_hex(16)
    original = f"{UPLOADS_DIR}/{stem}.{prepared.info.format.extension}"
    copy = prepared.publishable_copy
    stored = StoredFiles(
        path=original,
        publish_path=original if copy is None else f"{UPLOADS_DIR}/{stem}.{copy.format.extension}",
    )
    try:
        write_atomically(media_dir / stored.path, data)
        if copy is not None:
            write_atomically(media_dir / stored.publish_path, copy.data)
    except BaseException:
        _remove(media_dir, stored)
        raise
    return stored


def write_atomically(target: Path, data: bytes) -> None:
    """A reader (the static file server) sees no file or the whole file, never a part."""
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())  # on disk before the row that points to it commits
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)


def _remove(media_dir: Path, stored: StoredFiles) -> None:
    for path in {stored.path, stored.publish_path}:
        (media_dir / path).unlink(missing_ok=True)


def _public_base(settings: Settings) -> str:
    return str(settings.public_url).rstrip("/")


def _relative_media_path(settings: Settings, url: str) -> str | None:
    """The path under the media dir that ``url`` names, or None when it is not one of ours."""
    try:
        parts = urlsplit(url.strip())
        if parts.scheme or parts.netloc:
            base = urlsplit(_public_base(settings))
            if _origin(parts) != _origin(base):
                return None
            prefix = base.path.rstrip("/") + MEDIA_URL_PATH
        else:
            prefix = MEDIA_URL_PATH
    except ValueError:  # e.g. a port that is not a number
        return None
    if not parts.path.startswith(prefix):
        return None
    relative = unquote(parts.path.removeprefix(prefix))
    if any(segment in {"", ".", ".."} for segment in relative.split("/")):
        return None
    return relative


def _origin(parts: SplitResult) -> tuple[str, str | None, int | None]:
    scheme = parts.scheme.lower()
    return scheme, parts.hostname, parts.port or _DEFAULT_PORTS.get(scheme)


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"The file is larger than the {describe_bytes(limit)} limit")


def describe_bytes(count: int) -> str:
    """A size limit as people write it: 20 MB, 64 KB, else the bytes."""
    megabyte = 1024 * 1024
    if count % megabyte == 0:
        return f"{count // megabyte} MB"
    if count % 1024 == 0:
        return f"{count // 1024} KB"
    return f"{count:,} bytes"


def _describe_pixels(exc: images.TooManyPixels) -> str:
    limit = f"the limit is {exc.limit:,} pixels"
    if exc.size is not None:
        width, height = exc.size
        return f"The image is {width}x{height} ({width * height:,} pixels); {limit}"
    if exc.pixels is not None:
        return f"The image has {exc.pixels:,} pixels; {limit}"
    return f"The image has too many pixels; {limit}"
