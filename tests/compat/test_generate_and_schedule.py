"""POST /api/generateAndSchedule: render, then a pin on the named profile's board, at the given
time (its offset, or the profile's zone) or in its queue."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import update

from pinsmith.config import Settings
from pinsmith.kit.db import Database
from pinsmith.models import PinStatus, User
from pinsmith.sandbox import Sandbox
from tests.compat.conftest import Caller
from tests.compat.support import (
    call,
    credits_of,
    media_of,
    pins_of,
    renders_under,
    set_credits,
)
from tests.conftest import bearer
from tests.templates.photo_server import PhotoServer

pytestmark = pytest.mark.db

BOARD_NOT_FOUND = {"error": "Board not found or does not belong to this Pinterest profile"}


def body(who: Caller, **fields: Any) -> dict[str, Any]:
    return {
        "template": "StandardTemplate",
        "title": "Best Hiking Trails in Patagonia",
        "pinterestProfile": who.username,
        "boardId": who.board.id,
    } | fields


async def schedule(client: AsyncClient, who: Caller, **fields: Any) -> dict[str, Any]:
    response = await call(client, "generateAndSchedule", who.key, body(who, **fields))
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def test_a_pin_is_generated_and_scheduled_on_the_board(
    sandboxed_client: AsyncClient,
    rosa: Caller,
    database: Database,
    pinterest_sandbox: Sandbox,
    photo_server: PhotoServer,
) -> None:
    section = pinterest_sandbox.add_section(rosa.board.id, "Beaches")

    answer = await schedule(
        sandboxed_client,
        rosa,
        imageURL=photo_server.photo("astronaut"),
        url="https://yourblog.com/patagonia-trails",
        urlText="yourblog.com",
        color="2d8f4e",
        description="Our favorite trails through Patagonia",
        boardSectionId=section.id,
        scheduledTime="2026-05-02T14:00:00.000Z",
        custom1="Day 1",
    )

    assert answer == {
        "message": "Pin generated and scheduled",
        "imageURL": answer["imageURL"],
        "board": {"id": rosa.board.id, "name": "Travel Destinations"},
    }
    assert answer["imageURL"].startswith("http://testserver/media/renders/")
    (pin,) = await pins_of(database, rosa.user_id)
    assert pin.profile_id == rosa.pinner.profile_id
    assert (pin.board_id, pin.board_section_id) == (rosa.board.id, section.id)
    assert pin.media_url == answer["imageURL"]
    assert (pin.title, pin.description, pin.link) == (
        "Best Hiking Trails in Patagonia",
        "Our favorite trails through Patagonia",
        "https://yourblog.com/patagonia-trails",
    )
    assert pin.status is PinStatus.SCHEDULED
    assert pin.scheduled_at == datetime(2026, 5, 2, 14, 0, tzinfo=UTC)


async def test_without_a_time_the_pin_joins_the_queue(
    sandboxed_client: AsyncClient, rosa: Caller, database: Database
) -> None:
    answer = await schedule(sandboxed_client, rosa)

    assert answer["message"] == "Pin generated and added to scheduling queue"
    (pin,) = await pins_of(database, rosa.user_id)
    assert (pin.status, pin.scheduled_at) == (PinStatus.QUEUED, None)


async def test_a_time_with_an_offset_is_that_instant(
    sandboxed_client: AsyncClient, rosa: Caller, database: Database
) -> None:
    await schedule(sandboxed_client, rosa, scheduledTime="2026-05-02T14:00:00+02:00")

    (pin,) = await pins_of(database, rosa.user_id)
    assert pin.scheduled_at == datetime(2026, 5, 2, 12, 0, tzinfo=UTC)


async def test_a_time_without_offset_is_wall_clock_time_in_the_profiles_zone(
    sandboxed_client: AsyncClient, rosa: Caller, database: Database
) -> None:
    response = await sandboxed_client.put(
        f"/profiles/{rosa.pinner.profile_id}/schedule",
        json={"timezone": "America/New_York"},
        headers=bearer(rosa.key),
    )
    assert response.status_code == 200, response.text

    await schedule(sandboxed_client, rosa, scheduledTime="2026-05-02T14:00:00")

    (pin,) = await pins_of(database, rosa.user_id)
    assert pin.scheduled_at == datetime(2026, 5, 2, 18, 0, tzinfo=UTC)  # EDT is UTC-4


async def test_a_profile_without_its_own_zone_follows_the_users(
    sandboxed_client: AsyncClient, rosa: Caller, database: Database
) -> None:
    async with database.transaction() as session:
        await session.execute(
            update(User).where(User.id == rosa.user_id).values(timezone="Asia/Tokyo")
        )

    await schedule(sandboxed_client, rosa, scheduledTime="2026-05-02T14:00:00.000")

    (pin,) = await pins_of(database, rosa.user_id)
    assert pin.scheduled_at == datetime(2026, 5, 2, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize("spelling", ["ROSA_TRAVELS", "@rosa_travels"])
async def test_the_profile_is_found_by_its_username_in_any_case(
    sandboxed_client: AsyncClient, rosa: Caller, spelling: str
) -> None:
    answer = await schedule(sandboxed_client, rosa, pinterestProfile=spelling)

    assert answer["board"]["id"] == rosa.board.id


async def test_a_custom_template_is_used_by_its_id(
    sandboxed_client: AsyncClient, rosa: Caller, database: Database
) -> None:
    spec = (await sandboxed_client.get("/templates/TextOverlay", headers=bearer(rosa.key))).json()
    created = await sandboxed_client.post(
        "/templates",
        json={"name": "Mine", "spec": spec["spec"] | {"width": 600, "height": 900}},
        headers=bearer(rosa.key),
    )
    assert created.status_code == 201, created.text

    answer = await schedule(sandboxed_client, rosa, template=str(created.json()["id"]))

    (row,) = await media_of(database, rosa.user_id)
    assert (row.width, row.height) == (600, 900)
    assert answer["imageURL"].endswith(row.path)


async def test_another_users_template_is_not_found(
    sandboxed_client: AsyncClient, rosa: Caller, bob: Caller, database: Database
) -> None:
    spec = (await sandboxed_client.get("/templates/TextOverlay", headers=bearer(bob.key))).json()
    created = await sandboxed_client.post(
        "/templates", json={"name": "Bob's", "spec": spec["spec"]}, headers=bearer(bob.key)
    )

    response = await call(
        sandboxed_client,
        "generateAndSchedule",
        rosa.key,
        body(rosa, template=created.json()["id"]),
    )

    assert (response.status_code, response.json()) == (404, {"error": "Template not found"})
    assert await pins_of(database, rosa.user_id) == []


async def test_a_board_of_another_account_is_not_found(
    sandboxed_client: AsyncClient, rosa: Caller, bob: Caller, database: Database
) -> None:
    response = await call(
        sandboxed_client, "generateAndSchedule", rosa.key, body(rosa, boardId=bob.board.id)
    )

    assert (response.status_code, response.json()) == (404, BOARD_NOT_FOUND)
    assert await pins_of(database, rosa.user_id) == []


@pytest.mark.parametrize("board_id", ["99999999", "not-a-board", "12/../34"])
async def test_an_unknown_board_is_not_found(
    sandboxed_client: AsyncClient, rosa: Caller, board_id: str
) -> None:
    response = await call(
        sandboxed_client, "generateAndSchedule", rosa.key, body(rosa, boardId=board_id)
    )

    assert (response.status_code, response.json()) == (404, BOARD_NOT_FOUND)


async def test_an_overlong_board_id_is_refused_in_words(
    sandboxed_client: AsyncClient, rosa: Caller
) -> None:
    response = await call(
        sandboxed_client, "generateAndSchedule", rosa.key, body(rosa, boardId="1" * 40)
    )

    assert (response.status_code, response.json()) == (
        400,
        {"error": "boardId must be at most 32 characters"},
    )


async def test_a_profile_that_is_not_the_callers_is_not_found(
    sandboxed_client: AsyncClient, rosa: Caller, bob: Caller
) -> None:
    response = await call(
        sandboxed_client, "generateAndSchedule", rosa.key, body(rosa, pinterestProfile=bob.username)
    )

    assert response.status_code == 404
    assert response.json() == {
        "error": "Pinterest profile 'bob_builds' is not connected to this account"
    }


async def test_ai_board_selection_chooses_the_board_without_a_board_id(
    sandboxed_client: AsyncClient, rosa: Caller
) -> None:
    request = body(
        rosa,
        title="Top Travel Destinations in South America",
        description="Where to travel next: Patagonia, Cusco and Rio de Janeiro",
        useAIBoardSelection=True,
    )
    del request["boardId"]

    response = await call(sandboxed_client, "generateAndSchedule", rosa.key, request)

    assert response.status_code == 200, response.text
    assert response.json()["board"] == {"id": rosa.board.id, "name": "Travel Destinations"}


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"template": None}, "template is required"),
        ({"title": None}, "title is required"),
        ({"pinterestProfile": None}, "pinterestProfile is required"),
        ({"template": None, "pinterestProfile": None}, "template is required"),
        ({"boardId": None}, "boardId is required"),
        ({"boardId": ""}, "boardId is required"),
        ({"title": "x" * 101}, "title must be at most 100 characters"),
        ({"description": "x" * 801}, "description must be at most 800 characters"),
        ({"url": "yourblog.com/trails"}, "url must be an http or https URL"),
        ({"boardSectionId": "beaches"}, "boardSectionId must be a Pinterest id (digits only)"),
        (
            {"scheduledTime": "next tuesday"},
            "scheduledTime must be an ISO 8601 date such as 2026-03-15T14:00:00.000Z",
        ),
        (
            {"scheduledTime": 1778000000},
            "scheduledTime must be an ISO 8601 date such as 2026-03-15T14:00:00.000Z",
        ),
        ({"scheduledTime": "2026-04-30T12:00:00Z"}, "scheduledTime must be in the future"),
        ({"useAIBoardSelection": "sometimes"}, "useAIBoardSelection must be true or false"),
        ({"color": "#12"}, "color must be a hex colour like ae3ac4 or #ae3ac4"),
    ],
)
async def test_a_bad_body_is_a_400_that_spends_nothing(
    sandboxed_client: AsyncClient,
    rosa: Caller,
    database: Database,
    change: dict[str, Any],
    error: str,
) -> None:
    await set_credits(database, rosa.user_id, 1)
    request = {key: value for key, value in (body(rosa) | change).items() if value is not None}

    response = await call(sandboxed_client, "generateAndSchedule", rosa.key, request)

    assert (response.status_code, response.json()) == (400, {"error": error})
    assert await credits_of(database, rosa.user_id) == 1
    assert await pins_of(database, rosa.user_id) == []


async def test_a_call_spends_one_credit_with_the_pin(
    sandboxed_client: AsyncClient, rosa: Caller, database: Database
) -> None:
    await set_credits(database, rosa.user_id, 3)

    await schedule(sandboxed_client, rosa)

    assert await credits_of(database, rosa.user_id) == 2
    assert len(await pins_of(database, rosa.user_id)) == 1


async def test_without_credits_no_pin_is_made(
    sandboxed_client: AsyncClient, rosa: Caller, database: Database
) -> None:
    await set_credits(database, rosa.user_id, 0)

    response = await call(sandboxed_client, "generateAndSchedule", rosa.key, body(rosa))

    assert (response.status_code, response.json()) == (
        402,
        {"error": "Pin generation credits depleted"},
    )
    assert await pins_of(database, rosa.user_id) == []


async def test_the_daily_pin_cap_still_applies_and_keeps_nothing(
    sandboxed_client: AsyncClient,
    rosa: Caller,
    database: Database,
    sandboxed_settings: Settings,
) -> None:
    await set_credits(database, rosa.user_id, 5)
    async with database.transaction() as session:
        await session.execute(update(User).where(User.id == rosa.user_id).values(daily_pin_limit=1))
    await schedule(sandboxed_client, rosa)

    response = await call(sandboxed_client, "generateAndSchedule", rosa.key, body(rosa))

    assert response.status_code == 429
    assert response.json() == {"error": "Daily pin limit of 1 reached. Resets at midnight UTC."}
    assert int(response.headers["retry-after"]) > 0
    assert await credits_of(database, rosa.user_id) == 4  # the first call's credit only
    assert len(await pins_of(database, rosa.user_id)) == 1
    assert len(await media_of(database, rosa.user_id)) == 1
    assert len(renders_under(sandboxed_settings.media_path)) == 1


async def test_the_rendered_pin_publishes_with_its_image_sent_as_bytes(
    sandboxed_client: AsyncClient, rosa: Caller, database: Database, pinterest_sandbox: Sandbox
) -> None:
    await schedule(sandboxed_client, rosa, scheduledTime="2026-05-02T14:00:00Z")
    (pin,) = await pins_of(database, rosa.user_id)

    response = await sandboxed_client.post(f"/pins/{pin.id}/publish", headers=bearer(rosa.key))

    assert response.json()["status"] == "published", response.text
    (published,) = pinterest_sandbox.pins_on_board(rosa.board.id)
    assert published.title == "Best Hiking Trails in Patagonia"
    image = published.images[0]
    assert image.url is None  # our own media: sent inline, never fetched by URL
    assert image.file_id is not None
    stored = pinterest_sandbox.file(image.file_id)
    assert stored is not None
    assert stored.content_type == "image/jpeg"
