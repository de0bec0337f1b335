"""A pin's photo from its ``imageURL``.

pinsmith's own media (uploads and renders) is read from the media dir, never over HTTP: the
server may be behind a home router, or on loopback. Any other URL is a stranger's, fetched through
the SSRF-safe client (every address checked, redirects included) within a size and a time limit.
The bytes are then decoded once, in a worker thread, no larger than the template shows them (a big
JPEG at a fraction of its size), refused past the pixel cap. Each failure is a 400 that names its
cause.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import anyio
import anyio.to_thread
import httpx
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.config import Settings
from pinsmith.kit.errors import BadRequest
from pinsmith.kit.safe_http import ResponseTooLarge, UnsafeUrl, fetch_bytes, safe_client
from pinsmith.media import service as media
from pinsmith.models import User
from pinsmith.render import PhotoTooLarge, UnreadablePhoto, open_photo

FIELD = "imageURL"
# Decoding holds the whole image in memory (up to ~160 MB at 40 MP): a few at a time at most.
_decoding = anyio.CapacityLimiter(max(2, min(8, os.cpu_count() or 2)))


async def load_photo(
    session: AsyncSession,
    settings: Settings,
    user: User,
    url: str,
    *,
    at_least: tuple[int, int] | None = None,
) -> Image.Image:
    """The photo at ``url``, decoded within the caps and at least ``at_least`` in size (the
    largest box a template shows it in); BadRequest otherwise."""
    url = url.strip()
    if media.is_local_media_url(settings, url):
        data = await _read_own_media(session, settings, user, url)
    else:
        data = await _download(settings, url)
    return await _decoded(data, settings.max_image_pixels, at_least)


async def _read_own_media(session: AsyncSession, settings: Settings, user: User, url: str) -> bytes:
    """Another user's file is as good as missing: its URL proves nothing about who sends it."""
    media_file = await media.find_by_url(session, settings, user, url)
    if media_file is None:
        raise BadRequest(f"{FIELD} {url} is not one of your images on this server")
    limit = settings.render_max_image_bytes
    try:
        data = await anyio.to_thread.run_sync(
            _read_within, settings.media_path / media_file.path, limit
        )
    except FileNotFoundError:
        raise BadRequest(f"{FIELD} {url} no longer exists on this server") from None
    if data is None:
        raise _too_large(limit)
    return data


def _read_within(path: Path, limit: int) -> bytes | None:
    """The file's bytes, or None when it is over ``limit``."""
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    return None if len(data) > limit else data


async def _download(settings: Settings, url: str) -> bytes:
    limit = settings.render_max_image_bytes
    timeout = settings.render_fetch_timeout_seconds
    try:
        async with safe_client(
            allow_private=settings.allow_private_urls,
            follow_redirects=True,
            max_bytes=limit,
            timeout=timeout,
            headers={"Accept": "image/*"},
        ) as client:
            data, _ = await fetch_bytes(client, url, max_bytes=limit)
    except UnsafeUrl as exc:
        raise BadRequest(_refusal(exc)) from None
    except ResponseTooLarge:
        raise _too_large(limit) from None
    except httpx.TimeoutException:
        raise BadRequest(f"{FIELD} did not answer within {timeout:g} seconds (timeout)") from None
    except httpx.HTTPStatusError as exc:
        raise BadRequest(f"The image URL answered {exc.response.status_code}") from None
    except httpx.TooManyRedirects:
        raise BadRequest(f"{FIELD} redirects too many times") from None
    except httpx.ConnectError as exc:
        raise BadRequest(f"{FIELD} is unreachable: cannot connect ({_reason(exc)})") from None
    except httpx.HTTPError as exc:  # a broken answer: protocol errors, bad encodings
        raise BadRequest(f"{FIELD} could not be fetched: {_reason(exc)}") from None
    return data


def _refusal(exc: UnsafeUrl) -> str:
    # The resolver's failure is an UnsafeUrl too (the host cannot be checked); it is told apart
    # by its message, because to the caller it is another problem: a name that does not exist.
    if " does not resolve" in str(exc):
        return f"{FIELD} is unreachable: {exc} (DNS lookup failed)"
    if " address" in str(exc):
        return (
            f"{FIELD} refused: {exc}; pinsmith does not fetch private, loopback or internal "
            "addresses, also after a redirect"
        )
    return f"{FIELD} refused: {exc}"


async def _decoded(data: bytes, max_pixels: int, at_least: tuple[int, int] | None) -> Image.Image:
    decode = functools.partial(open_photo, data, max_pixels=max_pixels, at_least=at_least)
    try:
        return await anyio.to_thread.run_sync(decode, limiter=_decoding)
    except PhotoTooLarge as exc:
        raise BadRequest(f"{FIELD}: {exc} (refused as a possible decompression bomb)") from None
    except UnreadablePhoto as exc:
        raise BadRequest(f"{FIELD} is not an image: {exc}") from None


def _reason(exc: httpx.HTTPError) -> str:
    return str(exc) or type(exc).__name__


def _too_large(limit: int) -> BadRequest:
    return BadRequest(f"The image at {FIELD} is larger than {media.describe_bytes(limit)}")
