"""Pillow work for uploads: recognise an image from its bytes, bound its size, make the copy
Pinterest accepts. No database and no HTTP here: the service maps the exceptions to statuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps

from pinsmith.render.source import cmyk_to_rgb

JPEG_QUALITY = 90
_ORIENTATION_TAG = 0x0112
_SWAPS_SIDES = frozenset({5, 6, 7, 8})  # EXIF orientations that turn the image by 90 degrees


@dataclass(frozen=True)
class ImageFormat:
    name: str  # as people write it, for messages
    extension: str
    content_type: str
    publishable: bool  # Pinterest takes these bytes as they are (JPEG and PNG only)


# Keyed by Pillow's format id: the only plugins Pillow may use to read an upload.
ACCEPTED_FORMATS: dict[str, ImageFormat] = {
    "JPEG": ImageFormat("JPEG", "jpg", "image/jpeg", publishable=True),
    "PNG": ImageFormat("PNG", "png", "image/png", publishable=True),
    "GIF": ImageFormat("GIF", "gif", "image/gif", publishable=False),
    "WEBP": ImageFormat("WebP", "webp", "image/webp", publishable=False),
    "AVIF": ImageFormat("AVIF", "avif", "image/avif", publishable=False),
}
ACCEPTED_NAMES = ", ".join(kind.name for kind in ACCEPTED_FORMATS.values())
JPEG = ACCEPTED_FORMATS["JPEG"]
PNG = ACCEPTED_FORMATS["PNG"]


class UnsupportedImage(Exception):
    """The bytes are not a whole image of an accepted format."""


class TooManyPixels(Exception):
    """Decoding the image would take more memory than allowed: a decompression bomb."""

    def __init__(self, limit: int, *, pixels: int | None, size: tuple[int, int] | None) -> None:
        super().__init__(f"{pixels} pixels, over the limit of {limit}")
        self.limit = limit
        self.pixels = pixels  # None when Pillow refused without saying how many
        self.size = size  # (width, height) when read from the header


@dataclass(frozen=True)
class ImageInfo:
    """What is recorded about an upload; the size is as a viewer sees it (EXIF-rotated)."""

    format: ImageFormat
    width: int
    height: int


@dataclass(frozen=True)
class EncodedImage:
    format: ImageFormat
    data: bytes


@dataclass(frozen=True)
class PreparedImage:
    info: ImageInfo
    publishable_copy: EncodedImage | None  # None when the original itself is JPEG or PNG


def prepare(data: bytes, max_pixels: int) -> PreparedImage:
    """Check an upload and, when Pinterest would refuse its format, make the copy it accepts.

    One pass over the bytes: the size is checked from the header, then the first frame is
    decoded once, both to prove the data whole and to make the copy from.
    """
    with _open(data, max_pixels) as image:
        info = _check(image, max_pixels)
        copy = None if info.format.publishable else _encode_publishable(image)
    return PreparedImage(info, copy)


def publishable_copy(data: bytes, max_pixels: int) -> EncodedImage:
    """The first frame, upright, as PNG when it has transparency and JPEG quality 90 otherwise."""
    with _open(data, max_pixels) as image:
        _check(image, max_pixels)
        return _encode_publishable(image)


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Read the header with the accepted plugins only, so the filename and type never matter."""
    try:
        return Image.open(BytesIO(data), formats=list(ACCEPTED_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _pillow_bomb(exc, max_pixels) from None
    except Exception as exc:  # any parser failure on untrusted bytes means "not an image we take"
        raise UnsupportedImage(str(exc)) from None


def _check(image: Image.Image, max_pixels: int) -> ImageInfo:
    width, height = image.size
    if width * height > max_pixels:  # before decoding: the header alone tells
        raise TooManyPixels(max_pixels, pixels=width * height, size=(width, height))
    try:
        image.load()  # the current frame, i.e. the first: the later ones are never used
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _pillow_bomb(exc, max_pixels) from None
    except Exception as exc:  # truncated or corrupt data, whichever error the decoder raises
        raise UnsupportedImage(str(exc)) from None
    if image.getexif().get(_ORIENTATION_TAG) in _SWAPS_SIDES:
        width, height = height, width
    return ImageInfo(ACCEPTED_FORMATS[str(image.format)], width, height)


def _pillow_bomb(exc: Exception, max_pixels: int) -> TooManyPixels:
    """Pillow's own guard (its warning arrives as an exception when warnings are errors).

    Pillow names the size only in its message: "Image size (N pixels) exceeds limit of M ...".
    """
    found = re.search(r"\((\d+) pixels\)", str(exc))
    pixels = int(found.group(1)) if found else None
    limit = min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)
    return TooManyPixels(limit, pixels=pixels, size=None)


def _encode_publishable(image: Image.Image) -> EncodedImage:
    transparent = image.has_transparency_data  # an alpha band or a transparent palette entry
    icc_profile = image.info.get("icc_profile")
    frame = ImageOps.exif_transpose(image)  # a copy of the current (first) frame, upright
    if frame.mode == "CMYK":
        frame, icc_profile = cmyk_to_rgb(frame, icc_profile), None
    buffer = BytesIO()
    if transparent:
        frame.convert("RGBA").save(buffer, "PNG", icc_profile=icc_profile)
        return EncodedImage(PNG, buffer.getvalue())
    frame.convert("RGB").save(buffer, "JPEG", quality=JPEG_QUALITY, icc_profile=icc_profile)
    return EncodedImage(JPEG, buffer.getvalue())
