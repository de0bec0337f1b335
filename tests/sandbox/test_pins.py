"""/v5/pins: creation from every media source, Pinterest's validation, read, update, delete."""

from __future__ import annotations

from typing import Any

import pytest

from pinsmith.sandbox import Board, Sandbox
from tests.conftest import Clock
from tests.sandbox.conformance import PinterestApi, error_of
from tests.sandbox.conftest import Account, account, image_base64, image_url_source

PIN_NOT_FOUND = (404, 50, "Pin not found.")


@pytest.fixture
def board(sandbox: Sandbox, alice: Account) -> Board:
    return sandbox.add_board(alice.user.id, "Recipes")


def pin_body(board: Board, **fields: Any) -> dict[str, Any]:
    return {"board_id": board.id, "media_source": image_url_source()} | fields


async def test_create_an_image_url_pin(
    api: PinterestApi, sandbox: Sandbox, alice: Account, board: Board
) -> None:
    response = await api.post(
        "/v5/pins",
        headers=alice.headers,
        json=pin_body(
            board,
            title="Chili",
            description="Hearty",
            link="https://blog.example.com/chili",
            alt_text="A bowl of chili",
        ),
    )

    assert response.status_code == 201
    pin = response.json()
    assert pin["id"].isdigit()
    assert (pin["title"], pin["board_id"], pin["board_owner"]) == (
        "Chili",
        board.id,
        {"username": "alice"},
    )
    assert pin["created_at"] == "2026-05-01T12:00:00Z"
    assert pin["creative_type"] == "REGULAR"
    assert pin["media"]["media_type"] == "image"
    assert pin["media"]["images"]["400x300"] == {
        "width": 400,
        "height": 300,
        "url": "https://images.example.com/pin.jpg",
    }
    assert [p.id for p in sandbox.pins_on_board(board.id)] == [pin["id"]]


async def test_create_an_image_base64_pin_served_by_the_sandbox(
    api: PinterestApi, alice: Account, board: Board
) -> None:
    source = {"source_type": "image_base64", "content_type": "image/png", "data": image_base64()}

    response = await api.post(
        "/v5/pins", headers=alice.headers, json=pin_body(board, media_source=source)
    )

    pin = response.json()
    assert response.status_code == 201
    assert pin["dominant_color"] == "#0A78C8"
    original = pin["media"]["images"]["600x"]
    assert (original["width"], original["height"]) == (40, 60)
    served = await api.get(original["url"])
    assert served.headers["content-type"] == "image/png"
    assert served.content.startswith(b"\x89PNG")


async def test_create_a_carousel_pin(api: PinterestApi, alice: Account, board: Board) -> None:
    items = [
        {
            "url": f"https://images.example.com/{n}.jpg",
            "title": f"Step {n}",
            "link": "https://x.test",
        }
        for n in range(3)
    ]
    source = {"source_type": "multiple_image_urls", "items": items, "index": 0}

    response = await api.post(
        "/v5/pins", headers=alice.headers, json=pin_body(board, media_source=source)
    )

    media = response.json()["media"]
    assert response.json()["creative_type"] == "CAROUSEL"
    assert media["media_type"] == "multiple_images"
    assert [item["title"] for item in media["items"]] == ["Step 0", "Step 1", "Step 2"]


async def test_create_a_carousel_from_base64_images(
    api: PinterestApi, alice: Account, board: Board
) -> None:
    items = [
        {"content_type": "image/jpeg", "data": image_base64("JPEG"), "title": "One"},
        {"content_type": "image/png", "data": image_base64("PNG"), "title": "Two"},
    ]
    source = {"source_type": "multiple_image_base64", "items": items}

    response = await api.post(
        "/v5/pins", headers=alice.headers, json=pin_body(board, media_source=source)
    )

    assert response.status_code == 201
    assert len(response.json()["media"]["items"]) == 2


async def test_pin_into_a_section(
    api: PinterestApi, sandbox: Sandbox, alice: Account, board: Board
) -> None:
    section = sandbox.add_section(board.id, "Soups")

    response = await api.post(
        "/v5/pins", headers=alice.headers, json=pin_body(board, board_section_id=section.id)
    )

    assert response.json()["board_section_id"] == section.id
    assert [p.id for p in sandbox.pins_in_section(section.id)] == [response.json()["id"]]


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"title": "x" * 101}, "title"),
        ({"description": "x" * 801}, "description"),
        ({"link": "https://x.test/" + "x" * 2040}, "link"),
        ({"alt_text": "x" * 501}, "alt_text"),
        ({"board_id": "recipes"}, "board_id"),
        ({"board_section_id": "s-1"}, "board_section_id"),
        ({"parent_pin_id": "abc"}, "parent_pin_id"),
        ({"media_source": {"source_type": "image_url"}}, "media_source"),
        ({"media_source": {"source_type": "carrier_pigeon"}}, "media_source"),
        (
            {
                "media_source": {
                    "source_type": "image_base64",
                    "content_type": "image/gif",
                    "data": "AAAA",
                }
            },
            "media_source",
        ),
        (
            {
                "media_source": {
                    "source_type": "image_base64",
                    "content_type": "image/png",
                    "data": "data:image/png;base64,AAAA",
                }
            },
            "media_source",
        ),
        (
            {
                "media_source": {
                    "source_type": "multiple_image_urls",
                    "items": [{"url": "https://x.test/1.jpg"}],
                }
            },
            "media_source",
        ),
        (
            {
                "media_source": {
                    "source_type": "multiple_image_urls",
                    "items": [{"url": f"https://x.test/{n}.jpg"} for n in range(6)],
                }
            },
            "media_source",
        ),
        ({"media_source": {"source_type": "video_id", "media_id": "v1"}}, "media_source"),
    ],
    ids=[
        "title-101",
        "description-801",
        "link-2049",
        "alt-text-501",
        "board-id-not-digits",
        "section-id-not-digits",
        "parent-id-not-digits",
        "url-missing",
        "unknown-source",
        "gif",
        "data-uri",
        "one-carousel-item",
        "six-carousel-items",
        "media-id-not-digits",
    ],
)
async def test_what_the_spec_forbids_is_400_code_1_naming_the_field(
    api: PinterestApi,
    sandbox: Sandbox,
    alice: Account,
    board: Board,
    fields: dict[str, Any],
    named: str,
) -> None:
    response = await api.post(
        "/v5/pins", headers=alice.headers, json=pin_body(board, **fields), request="invalid"
    )

    status, code, message = error_of(response)
    assert (status, code) == (400, 1)
    assert message.startswith(f"Invalid parameters: {named}")
    assert sandbox.pins_on_board(board.id) == []


async def test_the_longest_allowed_fields_are_accepted(
    api: PinterestApi, alice: Account, board: Board
) -> None:
    fields = {
        "title": "t" * 100,
        "description": "d" * 800,
        "link": "https://x.test/" + "l" * (2048 - 15),
        "alt_text": "a" * 500,
    }

    response = await api.post("/v5/pins", headers=alice.headers, json=pin_body(board, **fields))

    assert response.status_code == 201


async def test_rules_that_need_the_state_are_400_code_1_too(
    api: PinterestApi, sandbox: Sandbox, alice: Account, bob: Account, board: Board
) -> None:
    bobs_board = sandbox.add_board(bob.user.id, "Bob's")
    other_board = sandbox.add_board(alice.user.id, "Other")
    foreign_section = sandbox.add_section(other_board.id, "Elsewhere")
    not_png = {
        "source_type": "image_base64",
        "content_type": "image/png",
        "data": image_base64("JPEG"),
    }
    not_an_image = {"source_type": "image_base64", "content_type": "image/png", "data": "AAAABBBB"}

    cases = {
        "board_id": pin_body(bobs_board),
        "board_section_id": pin_body(board, board_section_id=foreign_section.id),
        "media_source.data": pin_body(board, media_source=not_png),
        "media_source.url": pin_body(board, media_source=image_url_source("ftp://x.test/a.jpg")),
        "media_source.source_type": pin_body(board, media_source={"source_type": "pin_url"}),
        "media_source.media_id": pin_body(
            board,
            media_source={
                "source_type": "video_id",
                "media_id": "12345",
                "cover_image_url": "https://x.test/c.jpg",
            },
        ),
    }
    for field, body in cases.items():
        response = await api.post("/v5/pins", headers=alice.headers, json=body)
        status, code, message = error_of(response)
        assert (status, code) == (400, 1), field
        assert message.startswith(f"Invalid parameters: {field}"), message
    garbage = await api.post(
        "/v5/pins", headers=alice.headers, json=pin_body(board, media_source=not_an_image)
    )
    assert "not a decodable image/png" in error_of(garbage)[2]
    missing_board = await api.post(
        "/v5/pins", headers=alice.headers, json={"media_source": image_url_source()}
    )
    assert error_of(missing_board) == (400, 1, "Invalid parameters: board_id: Field required")
    assert sandbox.pins_of(alice.user.id) == []


async def test_get_update_delete_a_pin(
    api: PinterestApi, sandbox: Sandbox, alice: Account, board: Board
) -> None:
    pin = sandbox.add_pin(board.id, title="Before", link="https://x.test/a")
    second_board = sandbox.add_board(alice.user.id, "Second")
    section = sandbox.add_section(second_board.id, "Part")

    fetched = await api.get(f"/v5/pins/{pin.id}", headers=alice.headers)
    updated = await api.patch(
        f"/v5/pins/{pin.id}",
        headers=alice.headers,
        json={
            "title": "After",
            "description": None,
            "board_id": second_board.id,
            "board_section_id": section.id,
        },
    )
    deleted = await api.delete(f"/v5/pins/{pin.id}", headers=alice.headers)
    gone = await api.get(f"/v5/pins/{pin.id}", headers=alice.headers)

    assert fetched.json()["title"] == "Before"
    body = updated.json()
    assert (body["title"], body["link"], body["board_id"], body["board_section_id"]) == (
        "After",
        "https://x.test/a",
        second_board.id,
        section.id,
    )
    assert deleted.status_code == 204
    assert error_of(gone) == PIN_NOT_FOUND
    assert sandbox.pins_on_board(board.id) == sandbox.pins_on_board(second_board.id) == []


async def test_update_validates_like_create(
    api: PinterestApi, sandbox: Sandbox, alice: Account, board: Board
) -> None:
    pin = sandbox.add_pin(board.id, title="Same")

    too_long = await api.patch(
        f"/v5/pins/{pin.id}", headers=alice.headers, json={"title": "x" * 101}, request="invalid"
    )
    wrong_section = await api.patch(
        f"/v5/pins/{pin.id}", headers=alice.headers, json={"board_section_id": "42"}
    )
    slots_on_image = await api.patch(
        f"/v5/pins/{pin.id}", headers=alice.headers, json={"carousel_slots": [{"title": "a"}]}
    )

    assert error_of(too_long)[:2] == (400, 1)
    assert "board_section_id" in error_of(wrong_section)[2]
    assert "carousel_slots" in error_of(slots_on_image)[2]
    assert sandbox.pin(pin.id).title == "Same"  # type: ignore[union-attr]


async def test_update_carousel_slots(api: PinterestApi, alice: Account, board: Board) -> None:
    items = [{"url": f"https://images.example.com/{n}.jpg", "title": f"Step {n}"} for n in range(2)]
    created = await api.post(
        "/v5/pins",
        headers=alice.headers,
        json=pin_body(board, media_source={"source_type": "multiple_image_urls", "items": items}),
    )

    updated = await api.patch(
        f"/v5/pins/{created.json()['id']}",
        headers=alice.headers,
        json={"carousel_slots": [{"title": "First"}, {"link": "https://x.test/2"}]},
    )

    slots = updated.json()["media"]["items"]
    assert [(slot["title"], slot["link"]) for slot in slots] == [
        ("First", None),
        ("Step 1", "https://x.test/2"),
    ]


async def test_another_users_pin_is_not_found(
    api: PinterestApi, sandbox: Sandbox, alice: Account, bob: Account
) -> None:
    pin = sandbox.add_pin(sandbox.add_board(bob.user.id, "Bob's").id)

    answers = [
        await api.get(f"/v5/pins/{pin.id}", headers=alice.headers),
        await api.patch(f"/v5/pins/{pin.id}", headers=alice.headers, json={"title": "Mine"}),
        await api.delete(f"/v5/pins/{pin.id}", headers=alice.headers),
        await api.get("/v5/pins/1", headers=alice.headers),
    ]

    assert [error_of(answer) for answer in answers] == [PIN_NOT_FOUND] * 4
    assert sandbox.pin(pin.id) is not None


async def test_pins_on_secret_boards_need_the_secret_scopes(
    api: PinterestApi, sandbox: Sandbox
) -> None:
    plain = account(
        sandbox,
        "plain",
        ("boards:read", "boards:write", "pins:read", "pins:write", "boards:read_secret"),
    )
    secret = sandbox.add_board(plain.user.id, "Secret", privacy="SECRET")
    hidden = sandbox.add_pin(secret.id)

    created = await api.post("/v5/pins", headers=plain.headers, json=pin_body(secret))
    listed = await api.get("/v5/pins", headers=plain.headers)
    fetched = await api.get(f"/v5/pins/{hidden.id}", headers=plain.headers)

    assert error_of(created)[:2] == (403, 3)
    assert listed.json()["items"] == []
    assert error_of(fetched) == PIN_NOT_FOUND


async def test_list_the_users_pins_with_filters(
    api: PinterestApi, sandbox: Sandbox, alice: Account, board: Board, clock: Clock
) -> None:
    protected = sandbox.add_board(alice.user.id, "Ads", privacy="PROTECTED")
    regular = sandbox.add_pin(board.id)
    clock.advance(minutes=1)
    ad = sandbox.add_pin(protected.id)
    items = [{"url": f"https://images.example.com/{n}.jpg"} for n in range(2)]
    carousel = await api.post(
        "/v5/pins",
        headers=alice.headers,
        json=pin_body(board, media_source={"source_type": "multiple_image_urls", "items": items}),
    )

    async def ids(**params: Any) -> list[str]:
        response = await api.get("/v5/pins", headers=alice.headers, params=params)
        return [pin["id"] for pin in response.json()["items"]]

    assert await ids() == [carousel.json()["id"], regular.id]
    assert await ids(include_protected_pins="true") == [carousel.json()["id"], ad.id, regular.id]
    assert await ids(creative_types="REGULAR") == [regular.id]
    assert await ids(pin_filter="exclude_native") == []


async def test_pin_metrics_on_request(
    api: PinterestApi, sandbox: Sandbox, alice: Account, board: Board, clock: Clock
) -> None:
    pin = sandbox.add_pin(board.id)
    clock.advance(days=10)

    plain = await api.get(f"/v5/pins/{pin.id}", headers=alice.headers)
    with_metrics = await api.get(
        f"/v5/pins/{pin.id}", headers=alice.headers, params={"pin_metrics": "true"}
    )

    assert plain.json()["pin_metrics"] is None
    metrics = with_metrics.json()["pin_metrics"]
    assert metrics["90d"]["impression"] == metrics["lifetime_metrics"]["impression"] > 0
    assert set(metrics["lifetime_metrics"]) == {
        "pin_click",
        "impression",
        "clickthrough",
        "reaction",
        "comment",
    }


async def test_unknown_routes_and_methods_answer_in_pinterest_shape(
    api: PinterestApi, alice: Account
) -> None:
    # Not operations of the spec, so only their shape can be checked.
    unknown = await api.http.get("/v5/nothing-here", headers=alice.headers)
    wrong_method = await api.http.put("/v5/pins", headers=alice.headers)

    assert error_of(unknown) == (404, 404, "Not found.")
    assert error_of(wrong_method) == (405, 5, "Method not allowed.")
