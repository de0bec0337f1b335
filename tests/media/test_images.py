from __future__ import annotations

import warnings
from collections.abc import Callable
from io import BytesIO

import pytest
from PIL import Image

from pinsmith.media import images
from tests.media import samples

LIMIT = 40_000_000


def opened(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


def is_reddish(pixel: tuple[int, ...]) -> bool:
    red, green, blue = pixel[:3]
    return red > 180 and green < 70 and blue < 70


@pytest.mark.parametrize(
    ("make", "extension", "content_type", "publishable"),
    [
        (samples.jpeg, "jpg", "image/jpeg", True),
        (samples.png, "png", "image/png", True),
        (samples.animated_gif, "gif", "image/gif", False),
        (samples.webp, "webp", "image/webp", False),
        (samples.avif, "avif", "image/avif", False),
    ],
)
def test_each_accepted_format_is_recognised_from_its_bytes(
    make: Callable[[], bytes], extension: str, content_type: str, publishable: bool
) -> None:
    prepared = images.prepare(make(), LIMIT)

    assert prepared.info.format.extension == extension
    assert prepared.info.format.content_type == content_type
    assert (prepared.info.width, prepared.info.height) == (30, 20)
    assert (prepared.publishable_copy is None) is publishable


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"just some text, saved as photo.jpg", id="text"),
        pytest.param(b"", id="empty"),
        pytest.param(samples.bmp(), id="bmp"),
        pytest.param(samples.jpeg()[:200], id="jpeg-cut-in-the-header"),
        pytest.param(samples.jpeg()[:-40], id="jpeg-cut-in-the-data"),
        pytest.param(samples.png()[:60], id="png-cut-in-the-data"),
    ],
)
def test_anything_but_a_whole_accepted_image_is_refused(data: bytes) -> None:
    with pytest.raises(images.UnsupportedImage):
        images.prepare(data, LIMIT)


def test_a_bomb_is_refused_from_its_header_before_any_decoding() -> None:
    bomb = samples.png_bomb(8000, 8000)  # 64 MP, under Pillow's own warning threshold
    damaged = bomb[:60]  # the header and the start of the data: decoding it would fail

    with pytest.raises(images.TooManyPixels) as refused:
        images.prepare(damaged, LIMIT)

    assert refused.value.size == (8000, 8000)
    assert refused.value.limit == LIMIT
    with pytest.raises(images.UnsupportedImage):  # what decoding it would have met
        images.prepare(damaged, 10**9)


def test_pillows_own_bomb_error_is_a_refusal_too() -> None:
    bomb = samples.png_bomb(20000, 10000)  # 200 MP: Pillow raises before our check runs

    with pytest.raises(images.TooManyPixels) as refused:
        images.prepare(bomb, 10**9)

    assert refused.value.pixels == 200_000_000


def test_pillows_bomb_warning_made_an_error_is_a_refusal_too() -> None:
    bomb = samples.png_bomb(10000, 10000)  # 100 MP: Pillow warns

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with pytest.raises(images.TooManyPixels) as refused:
            images.prepare(bomb, 10**9)

    assert refused.value.pixels == 100_000_000


def test_an_image_at_the_pixel_limit_is_accepted() -> None:
    prepared = images.prepare(samples.png((30, 20)), 600)

    assert prepared.info.width * prepared.info.height == 600


def test_an_opaque_animation_becomes_a_jpeg_of_its_first_frame() -> None:
    copy = images.prepare(samples.animated_gif(), LIMIT).publishable_copy

    assert copy is not None
    assert copy.format is images.JPEG
    image = opened(copy.data)
    assert image.format == "JPEG"
    assert image.size == (30, 20)
    assert is_reddish(image.getpixel((5, 5)))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "make", [samples.webp_with_alpha, samples.avif_with_alpha, samples.gif_with_transparency]
)
def test_a_transparent_image_becomes_a_png_that_keeps_its_transparency(
    make: Callable[[], bytes],
) -> None:
    copy = images.prepare(make(), LIMIT).publishable_copy

    assert copy is not None
    assert copy.format is images.PNG
    image = opened(copy.data)
    assert image.format == "PNG"
    assert image.mode == "RGBA"
    assert image.getpixel((25, 10))[3] == 0  # type: ignore[index]
    assert image.getpixel((5, 10))[3] == 255  # type: ignore[index]
    assert is_reddish(image.getpixel((5, 10)))  # type: ignore[arg-type]


@pytest.mark.parametrize("make", [samples.webp, samples.avif])
def test_an_opaque_image_becomes_a_jpeg(make: Callable[[], bytes]) -> None:
    copy = images.prepare(make(), LIMIT).publishable_copy

    assert copy is not None
    image = opened(copy.data)
    assert image.format == "JPEG"
    assert is_reddish(image.getpixel((5, 5)))  # type: ignore[arg-type]


@pytest.mark.parametrize("format", ["JPEG", "WEBP", "AVIF"])
def test_the_copy_is_turned_upright_by_its_exif_orientation(format: str) -> None:
    data = samples.rotated(format, orientation=6)  # stored 30x20, shown turned a quarter right

    image = opened(images.publishable_copy(data, LIMIT).data)

    assert image.size == (20, 30)
    assert is_reddish(image.getpixel((15, 3)))  # type: ignore[arg-type]  # top-left went top-right
    assert not is_reddish(image.getpixel((3, 3)))  # type: ignore[arg-type]


def test_the_recorded_size_is_the_size_a_viewer_sees() -> None:
    prepared = images.prepare(samples.rotated("JPEG", orientation=6), LIMIT)

    assert (prepared.info.width, prepared.info.height) == (20, 30)
    assert prepared.publishable_copy is None  # a JPEG is sent as it is


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(samples.cmyk_jpeg(), id="no-profile"),
        pytest.param(samples.cmyk_jpeg(icc_profile=b"not a colour profile"), id="broken-profile"),
    ],
)
def test_a_cmyk_image_is_converted_to_rgb_with_its_colours(data: bytes) -> None:
    copy = images.publishable_copy(data, LIMIT)

    image = opened(copy.data)
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    assert is_reddish(image.getpixel((5, 5)))  # type: ignore[arg-type]
