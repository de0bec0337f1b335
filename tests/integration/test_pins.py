"""Pins with every media source, the video upload flow, pin updates and search."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from pinsmith.pinterest import (
    CarouselImage,
    ImageBase64,
    ImageUrl,
    MultipleImageUrls,
    PinNotFound,
    VideoId,
)
from tests.integration.conftest import Account, Host

VIDEO = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 4


def png(colour: tuple[int, int, int], size: tuple[int, int] = (40, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


async def test_an_image_url_pin_round_trips_every_field(host: Host, alice: Account) -> None:
    board = host.sandbox.add_board(alice.user.id, "Travel")
    section = host.sandbox.add_section(board.id, "Lisbon")

    created = await alice.client.create_pin(
        board.id,
        media_source=ImageUrl("https://images.example.com/tram.jpg"),
        title="Tram 28",
        description="The yellow tram up to Graça",
        link="https://blog.example.com/lisbon",
        alt_text="A yellow tram on a steep street",
        board_section_id=section.id,
    )
    read = await alice.client.get_pin(created.id)

    assert read == created
    assert (created.board_id, created.board_section_id) == (board.id, section.id)
    assert created.title == "Tram 28"
    assert created.description == "The yellow tram up to Graça"
    assert created.link == "https://blog.example.com/lisbon"
    assert created.alt_text == "A yellow tram on a steep street"
    assert created.creative_type == "REGULAR"
    assert created.media is not None
    assert created.media.images is not None
    assert created.media.images["600x"].url == "https://images.example.com/tram.jpg"
    stored = host.sandbox.pin(created.id)
    assert stored is not None
    assert (stored.title, stored.section_id) == ("Tram 28", section.id)


async def test_a_base64_image_pin_serves_the_very_bytes_sent(host: Host, alice: Account) -> None:
    board = host.sandbox.add_board(alice.user.id, "Colours")
    picture = png((10, 120, 200))

    pin = await alice.client.create_pin(
        board.id, media_source=ImageBase64.from_bytes(picture, "image/png"), title="Blue"
    )

    assert pin.dominant_color == "#0A78C8"
    assert pin.media is not None
    assert pin.media.images is not None
    image = pin.media.images["600x"]
    assert (image.width, image.height) == (40, 60)
    served = await host.http.get(image.url)
    assert served.status_code == 200
    assert served.content == picture


@pytest.mark.parametrize("slides", [2, 5])
async def test_a_carousel_pin_keeps_each_slide(host: Host, alice: Account, slides: int) -> None:
    board = host.sandbox.add_board(alice.user.id, "Carousels")
    items = [
        CarouselImage(
            f"https://images.example.com/slide-{n}.jpg",
            title=f"Slide {n}",
            description=f"Step {n}",
            link=f"https://blog.example.com/step-{n}",
        )
        for n in range(slides)
    ]

    created = await alice.client.create_pin(
        board.id, media_source=MultipleImageUrls(items, index=1), title="How to"
    )
    read = await alice.client.get_pin(created.id)

    assert read.creative_type == "CAROUSEL"
    assert read.media is not None
    assert read.media.media_type == "multiple_images"
    assert read.media.items is not None
    assert [item.title for item in read.media.items] == [f"Slide {n}" for n in range(slides)]
    assert [item.link for item in read.media.items] == [s.link for s in items]
    assert [item.images["600x"].url for item in read.media.items if item.images] == [
        s.url for s in items
    ]


async def test_a_video_pin_after_upload_and_processing(host: Host, alice: Account) -> None:
    board = host.sandbox.add_board(alice.user.id, "Videos")
    client = alice.client

    upload = await client.register_video()
    registered = await client.get_media(upload.media_id)
    await client.upload_video(upload, VIDEO, "clip.mp4")
    processing = await client.get_media(upload.media_id)
    host.clock.advance(seconds=host.sandbox.config.media_processing_seconds)
    succeeded = await client.get_media(upload.media_id)
    pin = await client.create_pin(
        board.id,
        media_source=VideoId(
            upload.media_id, cover_image_url="https://images.example.com/cover.jpg"
        ),
        title="Clip",
    )

    assert upload.media_type == "video"
    assert upload.upload_url.startswith(host.base_url)
    assert [registered.status, processing.status, succeeded.status] == [
        "registered",
        "processing",
        "succeeded",
    ]
    assert pin.creative_type == "VIDEO"
    assert pin.media is not None
    assert pin.media.media_type == "video"
    assert pin.media.cover_image_url == "https://images.example.com/cover.jpg"
    assert pin.media.video_url is not None
    served = await host.http.get(pin.media.video_url)
    assert served.content == VIDEO


async def test_a_video_pin_can_take_its_cover_from_a_key_frame(host: Host, alice: Account) -> None:
    board = host.sandbox.add_board(alice.user.id, "Videos")
    upload = await alice.client.register_video()
    await alice.client.upload_video(upload, VIDEO, "clip.mp4")
    host.clock.advance(seconds=host.sandbox.config.media_processing_seconds)

    pin = await alice.client.create_pin(
        board.id, media_source=VideoId(upload.media_id, cover_image_key_frame_time=3)
    )

    assert pin.creative_type == "VIDEO"
    assert pin.media is not None
    assert pin.media.cover_image_url == f"{host.base_url}/_sandbox/placeholder.png"
    stored = host.sandbox.pin(pin.id)
    assert stored is not None
    assert stored.video is not None
    assert stored.video.media_id == upload.media_id


async def test_a_pin_is_updated_moved_and_deleted(host: Host, alice: Account) -> None:
    first = host.sandbox.add_board(alice.user.id, "Drafts")
    second = host.sandbox.add_board(alice.user.id, "Published")
    section = host.sandbox.add_section(second.id, "Spring")
    pin = host.sandbox.add_pin(first.id, title="Old title", description="Keep me")

    updated = await alice.client.update_pin(
        pin.id, title="New title", alt_text="A tulip field", link="https://example.com/tulips"
    )
    moved = await alice.client.update_pin(pin.id, board_id=second.id, board_section_id=section.id)
    await alice.client.delete_pin(pin.id)

    assert (updated.title, updated.description) == ("New title", "Keep me")
    assert (updated.alt_text, updated.link) == ("A tulip field", "https://example.com/tulips")
    assert (moved.board_id, moved.board_section_id, moved.title) == (
        second.id,
        section.id,
        "New title",
    )
    assert host.sandbox.pin(pin.id) is None
    with pytest.raises(PinNotFound):
        await alice.client.get_pin(pin.id)


async def test_search_finds_the_accounts_own_boards_and_pins(host: Host, alice: Account) -> None:
    garden = host.sandbox.add_board(alice.user.id, "Garden", "Herbs and tomatoes")
    kitchen = host.sandbox.add_board(alice.user.id, "Kitchen")
    basil = host.sandbox.add_pin(garden.id, title="Basil pesto")
    host.sandbox.add_pin(kitchen.id, title="Sourdough")
    tomato = host.sandbox.add_pin(kitchen.id, title="Tomato soup", description="with basil")

    boards = await alice.client.search_boards("herbs")
    pins = await alice.client.search_pins("BASIL")
    iterated = [pin.id async for pin in alice.client.iter_search_pins("basil")]
    iterated_boards = [b.id async for b in alice.client.iter_search_boards("kitchen")]

    assert [board.id for board in boards] == [garden.id]
    assert [pin.id for pin in pins] == [tomato.id, basil.id]
    assert iterated == [tomato.id, basil.id]
    assert iterated_boards == [kitchen.id]


async def test_pin_search_pages_at_pinterests_length(host: Host, alice: Account) -> None:
    board = host.sandbox.add_board(alice.user.id, "Herbs")
    seeded = [host.sandbox.add_pin(board.id, title=f"Basil no. {n}") for n in range(60)]

    found = await alice.client.search_pins("basil")
    reads_left = await host.reads_left(alice)

    assert [pin.id for pin in found] == [pin.id for pin in reversed(seeded)]
    assert reads_left == 1000 - 3 - 1  # 25 a page, as the sandbox (and Pinterest) pick
