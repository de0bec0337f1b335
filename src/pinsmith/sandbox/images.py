"""Checking what callers send as pictures and videos, as Pinterest would before accepting it."""

from __future__ import annotations

import base64
import binascii
import io
import re
from dataclasses import dataclass
from functools import cache

from PIL import Image, UnidentifiedImageError
from PIL.Image import DecompressionBombError

from pinsmith.sandbox.errors import SandboxError

BASE64_PATTERN = re.compile(r"^[a-zA-Z0-9+/=]+$")
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
PLACEHOLDER_SIZE = (1000, 1500)


@dataclass(frozen=True)
class DecodedImage:
    content_type: str
    data: bytes
    width: int
    height: int
    dominant_color: str


def decode_image(field: str, content_type: str, data: str) -> DecodedImage:
    """The image in ``data`` (base64, no data-URI prefix), which must really be ``content_type``;
    otherwise 400 code 1 naming ``field``."""
    expected = PILLOW_FORMATS.get(content_type)
    if expected is None:
        raise SandboxError.invalid(field, "content_type must be image/jpeg or image/png")
    if not BASE64_PATTERN.fullmatch(data):
        raise SandboxError.invalid(field, "must match ^[a-zA-Z0-9+/=]+$ (base64, no data URI)")
    try:
        raw = base64.b64decode(data, validate=True)
        with Image.open(io.BytesIO(raw)) as image:
            image.load()
            found, size = image.format, image.size
            average = image.convert("RGB").resize((1, 1)).getpixel((0, 0))
    except (binascii.Error, ValueError, UnidentifiedImageError, OSError, DecompressionBombError):
        raise SandboxError.invalid(field, f"is not a decodable {content_type} image") from None
    if found != expected:
        raise SandboxError.invalid(field, f"is a {found} image, not {content_type}")
    assert isinstance(average, tuple)
    red, green, blue = (int(channel) for channel in average[:3])
    return DecodedImage(content_type, raw, size[0], size[1], f"#{red:02X}{green:02X}{blue:02X}")


@cache
def placeholder_png() -> bytes:
    """The picture of pins seeded without an image and of covers taken from a key frame."""
    image = Image.new("RGB", PLACEHOLDER_SIZE, (230, 0, 35))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def looks_like_video(data: bytes) -> bool:
    """MP4/MOV (an ``ftyp`` box), WebM/Matroska (EBML) or AVI, by their first bytes."""
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return True
    if data.startswith(b"\x1a\x45\xdf\xa3"):
        return True
    return data.startswith(b"RIFF") and data[8:12] == b"AVI "
