"""Media sources refuse what Pinterest would refuse, before a write is spent on it."""

from __future__ import annotations

import pytest

from pinsmith.pinterest import CarouselImage, ImageBase64, ImageUrl, MultipleImageUrls, VideoId


def test_an_image_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="http"):
        ImageUrl("file:///etc/passwd")


def test_base64_from_bytes_has_no_data_uri_prefix() -> None:
    source = ImageBase64.from_bytes(b"\x89PNG\r\n", "image/png")

    assert source.to_api() == {
        "source_type": "image_base64",
        "content_type": "image/png",
        "data": "iVBORw0K",
    }


@pytest.mark.parametrize("data", ["data:image/jpeg;base64,/9j/4A==", "/9j/\n4A==", ""])
def test_base64_must_be_plain(data: str) -> None:
    with pytest.raises(ValueError, match="plain base64"):
        ImageBase64("image/jpeg", data)


def test_base64_takes_jpeg_or_png_only() -> None:
    with pytest.raises(ValueError, match="image/jpeg or image/png"):
        ImageBase64("image/gif", "R0lGOD==")  # type: ignore[arg-type]


@pytest.mark.parametrize("count", [1, 6])
def test_a_carousel_has_two_to_five_images(count: int) -> None:
    with pytest.raises(ValueError, match="2 to 5"):
        MultipleImageUrls([f"https://example.com/{n}.jpg" for n in range(count)])


def test_a_carousel_accepts_urls_and_slides() -> None:
    carousel = MultipleImageUrls(
        ["https://example.com/1.jpg", CarouselImage("https://example.com/2.jpg", title="Two")]
    )

    assert carousel.slides == (
        CarouselImage("https://example.com/1.jpg"),
        CarouselImage("https://example.com/2.jpg", title="Two"),
    )


def test_a_carousel_index_names_a_slide() -> None:
    with pytest.raises(ValueError, match="index 2"):
        MultipleImageUrls(["https://example.com/1.jpg", "https://example.com/2.jpg"], index=2)


def test_a_carousel_slide_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="http"):
        MultipleImageUrls(["https://example.com/1.jpg", "ftp://example.com/2.jpg"])


@pytest.mark.parametrize(
    "covers",
    [{}, {"cover_image_url": "https://example.com/c.jpg", "cover_image_key_frame_time": 1}],
)
def test_a_video_has_exactly_one_cover(covers: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        VideoId("12345", **covers)  # type: ignore[arg-type]


def test_a_video_media_id_is_digits() -> None:
    with pytest.raises(ValueError, match="digits"):
        VideoId("abc", cover_image_key_frame_time=0)


def test_a_video_key_frame_is_not_negative() -> None:
    with pytest.raises(ValueError, match="at least 0"):
        VideoId("12345", cover_image_key_frame_time=-1)


def test_a_video_cover_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="http"):
        VideoId("12345", cover_image_url="cover.jpg")
