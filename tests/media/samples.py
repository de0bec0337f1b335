"""Real image bytes for the tests, made with Pillow (and one PNG written by hand: a bomb)."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO
from typing import Any

from PIL import Image

RED = (220, 20, 20)
BLUE = (20, 20, 220)
ORIENTATION = 0x0112


def encode(image: Image.Image, format: str, **options: Any) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def jpeg(size: tuple[int, int] = (30, 20)) -> bytes:
    return encode(Image.new("RGB", size, RED), "JPEG")


def png(size: tuple[int, int] = (30, 20)) -> bytes:
    return encode(Image.new("RGB", size, RED), "PNG")


def half_transparent(size: tuple[int, int] = (30, 20)) -> Image.Image:
    """Red, with its right half fully transparent."""
    image = Image.new("RGBA", size, (*RED, 255))
    image.paste((0, 0, 0, 0), (size[0] // 2, 0, size[0], size[1]))
    return image


def png_with_alpha() -> bytes:
    return encode(half_transparent(), "PNG")


def animated_gif() -> bytes:
    """Two frames: red, then blue."""
    red, blue = (Image.new("RGB", (30, 20), color).convert("P") for color in (RED, BLUE))
    return encode(red, "GIF", save_all=True, append_images=[blue], duration=100, loop=0)


def gif_with_transparency() -> bytes:
    image = Image.new("P", (30, 20), 1)
    image.putpalette([0, 0, 0, *RED] + [0, 0, 0] * 254)
    image.paste(0, (15, 0, 30, 20))
    return encode(image, "GIF", transparency=0)


def webp() -> bytes:
    return encode(Image.new("RGB", (30, 20), RED), "WEBP", quality=95)


def webp_with_alpha() -> bytes:
    return encode(half_transparent(), "WEBP", lossless=True)


def avif() -> bytes:
    return encode(Image.new("RGB", (30, 20), RED), "AVIF", quality=95)


def avif_with_alpha() -> bytes:
    return encode(half_transparent(), "AVIF", quality=95)


def rotated(format: str, orientation: int = 6) -> bytes:
    """30x20 pixels stored, with the top-left pixel red and the rest blue, to be shown turned."""
    image = Image.new("RGB", (30, 20), BLUE)
    image.paste(RED, (0, 0, 10, 10))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return encode(image, format, exif=exif, quality=95)


def cmyk_jpeg(**options: Any) -> bytes:
    """Red in CMYK (no cyan, full magenta and yellow)."""
    return encode(Image.new("CMYK", (30, 20), (0, 255, 255, 0)), "JPEG", quality=95, **options)


def bmp() -> bytes:
    return encode(Image.new("RGB", (30, 20), RED), "BMP")


def png_bomb(width: int, height: int) -> bytes:
    """A valid black 1-bit PNG of ``width`` x ``height``: a few KB that decode to width*height.

    Written by hand because making it with Pillow would allocate the very pixels it stands for.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    rows_per_block = 1000
    body = b"".join(
        compressor.compress(row * min(rows_per_block, height - start))
        for start in range(0, height, rows_per_block)
    )
    body += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )
