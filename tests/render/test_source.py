"""Photos from untrusted bytes: refused before decoding when too big, decoded small when allowed."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from pinsmith.render.source import PhotoTooLarge, UnreadablePhoto, open_photo

PHOTOS = Path(__file__).parents[1] / "fixtures" / "photos"


def encoded(image: Image.Image, format: str = "JPEG", **options: object) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def test_a_real_photo_opens_as_rgb() -> None:
    photo = open_photo((PHOTOS / "cat.jpg").read_bytes())
    assert photo.mode == "RGB"
    assert photo.size == Image.open(PHOTOS / "cat.jpg").size


def test_a_large_jpeg_is_decoded_at_a_reduced_scale_that_still_covers_the_layer() -> None:
    data = encoded(Image.new("RGB", (4000, 3000), (200, 30, 30)))
    photo = open_photo(data, at_least=(900, 600))
    assert photo.size == (1000, 750)  # 1/4 scale: the smallest that is still >= 900x600


def test_draft_never_goes_below_what_the_layer_shows() -> None:
    data = encoded(Image.new("RGB", (2400, 1600)))
    photo = open_photo(data, at_least=(1000, 1500))
    assert photo.size == (2400, 1600)


def test_exif_orientation_is_honoured() -> None:
    image = Image.new("RGB", (300, 100), (255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to show
    photo = open_photo(encoded(image, exif=exif.tobytes()))
    assert photo.size == (100, 300)


def test_cmyk_and_palette_images_become_rgb() -> None:
    cmyk = open_photo(encoded(Image.new("CMYK", (40, 40), (0, 255, 255, 0))))
    assert cmyk.mode == "RGB"
    red, green, blue = cmyk.getpixel((20, 20))  # type: ignore[misc]
    assert red > 200
    assert green < 60
    assert blue < 60
    palette = open_photo(encoded(Image.new("P", (40, 40), 3), "PNG"))
    assert palette.mode == "RGB"


def test_transparency_is_kept_as_rgba() -> None:
    photo = open_photo(encoded(Image.new("RGBA", (40, 40), (0, 0, 255, 0)), "PNG"))
    assert photo.mode == "RGBA"
    assert photo.getpixel((5, 5))[3] == 0  # type: ignore[index]


def test_an_animated_image_gives_its_first_frame() -> None:
    frames = [Image.new("RGB", (30, 30), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    photo = open_photo(data)
    red, _, blue = photo.getpixel((10, 10))  # type: ignore[misc]
    assert red > 200
    assert blue < 50


def test_too_many_pixels_are_refused_from_the_header() -> None:
    bomb = encoded(Image.new("1", (10_000, 5_000)), "PNG")  # 50 MP in a few KB
    assert len(bomb) < 100_000
    with pytest.raises(PhotoTooLarge, match="10000x5000"):
        open_photo(bomb)


def test_not_an_image_is_refused_with_a_reason() -> None:
    with pytest.raises(UnreadablePhoto, match="not an image"):
        open_photo(b"<html>hello</html>")


def test_a_truncated_image_is_refused() -> None:
    data = (PHOTOS / "coffee.jpg").read_bytes()
    with pytest.raises(UnreadablePhoto, match="damaged"):
        open_photo(data[: len(data) // 3])
