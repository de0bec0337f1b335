"""POST /api/schedulePin: an image already made (or any public image) as a pin, no render."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from httpx import AsyncClient

from pinsmith.kit.db import Database
from pinsmith.models import PinStatus
from tests.compat.conftest import Caller
from tests.compat.support import call, credits_of, media_of, pins_of, set_credits

pytestmark = pytest.mark.db

IMAGE = "https://images.example.com/beach.jpg"


def body(who: Caller, **fields: Any) -> dict[str, Any]:
    return {"mediaURL": IMAGE, "pinterestProfile": who.username, "boardId": who.board.id} | fields


async def test_an_image_is_scheduled_at_the_given_time(
    sandboxed_client: AsyncClient, rosa: Caller, database: Database
) -> None:
    response = await call(
        sandboxed_client,
        "schedulePin",
        rosa.key,
        body(
            rosa,
            title="10 Best Beaches in Brazil",
            description="Discover the most beautiful beaches in Brazil",
            url="https://yourblog.com/best-beaches-brazil",
            scheduledTime="2026-05-03T09:30:00.000Z",
        ),
    )

    assert response.status_code == 200, response.text
    assert response.json() == {
        "message": "Pin scheduled",
        "board": {"id": rosa.board.id, "name": "Travel Destinations"},
    }
    (pin,) = await pins_of(database, rosa.user_id)
    assert (pin.media_url, pin.board_id, pin.title) == (
        IMAGE,
        rosa.board.id,
        "10 Best Beaches in Brazil",
    )
    assert pin.link == "https://yourblog.com/best-beaches-brazil"
    assert (pin.status, pin.scheduled_at) == (
        PinStatus.SCHEDULED,
        datetime(2026, 5, 3, 9, 30, tzinfo=UTC),
    )


async def test_without_a_time_the_pin_is_queued(
    sandboxed_client: AsyncClient, rosa: Caller, database: Database
) -> None:
    response = await call(sandboxed_client, "schedulePin", rosa.key, body(rosa))

    assert response.json()["message"] == "Pin added to scheduling queue"
    (pin,) = await pins_of(database, rosa.user_id)
    assert pin.status is PinStatus.QUEUED


async def test_an_image_from_generate_image_is_scheduled_from_our_own_media(
    sandboxed_client: AsyncClient, rosa: Caller, database: Database
) -> None:
    generated = await call(
        sandboxed_client,
        "generateImage",
        rosa.key,
        {"template": "BigTopText", "title": "Summer Recipes", "custom1": "Ready in 15 minutes"},
    )
    image_url = generated.json()["imageURL"]

    response = await call(sandboxed_client, "schedulePin", rosa.key, body(rosa, mediaURL=image_url))

    assert response.status_code == 200, response.text
    (pin,) = await pins_of(database, rosa.user_id)
    assert pin.media_url == image_url
    assert len(await media_of(database, rosa.user_id)) == 1  # no second render


async def test_another_users_render_cannot_be_scheduled(
    sandboxed_client: AsyncClient, rosa: Caller, bob: Caller, database: Database
) -> None:
    generated = await call(
        sandboxed_client, "generateImage", bob.key, {"template": "TextBlob", "title": "Bob's"}
    )
    await set_credits(database, rosa.user_id, 1)

    response = await call(
        sandboxed_client,
        "schedulePin",
        rosa.key,
        body(rosa, mediaURL=generated.json()["imageURL"]),
    )

    assert response.status_code == 400
    assert response.json()["error"].startswith("mediaURL is not one of your uploads")
    assert await credits_of(database, rosa.user_id) == 1
    assert await pins_of(database, rosa.user_id) == []


async def test_a_call_spends_one_credit(
    sandboxed_client: AsyncClient, rosa: Caller, database: Database
) -> None:
    await set_credits(database, rosa.user_id, 1)

    first = await call(sandboxed_client, "schedulePin", rosa.key, body(rosa))
    second = await call(sandboxed_client, "schedulePin", rosa.key, body(rosa))

    assert (first.status_code, second.status_code) == (200, 402)
    assert second.json() == {"error": "Pin generation credits depleted"}
    assert await credits_of(database, rosa.user_id) == 0
    assert len(await pins_of(database, rosa.user_id)) == 1


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"mediaURL": None}, "mediaURL is required"),
        ({"mediaURL": None, "pinterestProfile": None}, "mediaURL is required"),
        ({"pinterestProfile": None}, "pinterestProfile is required"),
        ({"boardId": None}, "boardId is required"),
        ({"useAIBoardSelection": True}, "useAIBoardSelection needs a title or description"),
        (
            {"mediaURL": "ftp://images.example.com/a.jpg"},
            "mediaURL must be an http or https URL, or a URL returned by POST /pins/upload-image",
        ),
        ({"title": "x" * 101}, "title must be at most 100 characters"),
        ({"mediaURL": 42}, "mediaURL must be a string"),
        ({"title": "Beach\x00day"}, "title must not contain the NUL character (\\u0000)"),
        (
            {"scheduledTime": "9999-12-31T23:59:59-12:00"},
            "scheduledTime must be before the year 9999",
        ),
    ],
)
async def test_a_bad_body_is_a_400(
    sandboxed_client: AsyncClient, rosa: Caller, change: dict[str, Any], error: str
) -> None:
    request = {key: value for key, value in (body(rosa) | change).items() if value is not None}

    response = await call(sandboxed_client, "schedulePin", rosa.key, request)

    assert (response.status_code, response.json()) == (400, {"error": error})


async def test_a_body_nested_deeper_than_json_parses_is_a_400(
    sandboxed_client: AsyncClient, rosa: Caller
) -> None:
    response = await sandboxed_client.post(
        "/api/schedulePin",
        content=b"[" * 100_000 + b"]" * 100_000,
        headers={"access_key": rosa.key, "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": "The request body must be JSON (Content-Type: application/json)"
    }


async def test_a_board_of_another_account_is_not_found(
    sandboxed_client: AsyncClient, rosa: Caller, bob: Caller
) -> None:
    response = await call(
        sandboxed_client, "schedulePin", rosa.key, body(rosa, boardId=bob.board.id)
    )

    assert response.status_code == 404
    assert response.json() == {
        "error": "Board not found or does not belong to this Pinterest profile"
    }
