"""POST /pins and /pins/bulk with ``"auto_board": true``: pinsmith picks or makes the board."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from httpx import AsyncClient, Response
from sqlalchemy import select

from pinsmith.kit.db import Database
from pinsmith.models import Pin, PinStatus
from pinsmith.sandbox import Sandbox
from tests.boards.accounts import (
    FIVE_K,
    SHOWER,
    TACOS,
    WATERCOLOR,
    WATERCOLOR_AGAIN,
    Seeded,
    board_names,
    growth_pinner,
    seed_boards,
)
from tests.conftest import Clock, Factory, Pinner

pytestmark = pytest.mark.db

IMAGE = "https://images.example.com/pin.jpg"


@pytest.fixture
async def rosa(factory: Factory, pinterest_sandbox: Sandbox, clock: Clock) -> Pinner:
    return await growth_pinner(factory, pinterest_sandbox, "rosa_home")


@pytest.fixture
def boards(pinterest_sandbox: Sandbox, rosa: Pinner) -> Seeded:
    return seed_boards(pinterest_sandbox, rosa.account.id)


def auto(pin: dict[str, str], **fields: Any) -> dict[str, Any]:
    return {"auto_board": True, "media_url": IMAGE} | pin | fields


async def post(client: AsyncClient, who: Pinner, body: Any, path: str = "/pins") -> Response:
    return await client.post(path, json=body, headers=who.headers)


async def created(client: AsyncClient, who: Pinner, body: dict[str, Any]) -> dict[str, Any]:
    response = await post(client, who, body)
    assert response.status_code == 201, response.text
    pin: dict[str, Any] = response.json()
    return pin


async def stored_pins(database: Database, user_id: int) -> list[Pin]:
    async with database.transaction(write=False) as session:
        rows = await session.execute(select(Pin).where(Pin.user_id == user_id).order_by(Pin.id))
        return list(rows.scalars())


@pytest.mark.parametrize(
    ("pin", "expected"), [(TACOS, "slow_cooker"), (SHOWER, "bathroom"), (FIVE_K, "running")]
)
async def test_the_pin_goes_on_the_board_that_fits(
    sandboxed_client: AsyncClient,
    pinterest_sandbox: Sandbox,
    rosa: Pinner,
    boards: Seeded,
    pin: dict[str, str],
    expected: str,
) -> None:
    body = await created(sandboxed_client, rosa, auto(pin))

    assert body["board_id"] == boards.id(expected)
    assert (body["status"], body["error_message"]) == ("queued", None)
    assert len(board_names(pinterest_sandbox, rosa.account.id)) == len(boards.boards)


async def test_the_pin_goes_in_the_boards_best_section(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner, boards: Seeded
) -> None:
    pinterest_sandbox.add_section(boards.id("slow_cooker"), "Soups and Stews")
    chicken = pinterest_sandbox.add_section(boards.id("slow_cooker"), "Chicken Dinners")

    body = await created(sandboxed_client, rosa, auto(TACOS))

    assert (body["board_id"], body["board_section_id"]) == (boards.id("slow_cooker"), chicken.id)


async def test_status_and_schedule_are_kept(
    sandboxed_client: AsyncClient, rosa: Pinner, boards: Seeded
) -> None:
    body = await created(sandboxed_client, rosa, auto(TACOS, scheduled_at="2026-05-03T09:30:00Z"))

    assert (body["status"], body["scheduled_at"]) == ("scheduled", "2026-05-03T09:30:00Z")
    assert body["board_id"] == boards.id("slow_cooker")


async def test_our_own_recent_pins_say_what_a_vague_board_is_about(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner, boards: Seeded
) -> None:
    projects = pinterest_sandbox.add_board(rosa.account.id, "Weekend Projects")
    for title in (
        "Build a Cedar Planter Box",
        "DIY Woodworking Bench",
        "Woodworking Joints for Beginners",
    ):
        await created(
            sandboxed_client, rosa, {"board_id": projects.id, "media_url": IMAGE, "title": title}
        )

    body = await created(
        sandboxed_client,
        rosa,
        auto({"title": "Beginner Woodworking: Dovetail Joints", "description": "Cut by hand"}),
    )

    assert body["board_id"] == projects.id


async def test_an_off_topic_pin_gets_a_new_board_and_the_next_one_on_its_topic_joins_it(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner, boards: Seeded
) -> None:
    first = await created(sandboxed_client, rosa, auto(WATERCOLOR))
    second = await created(sandboxed_client, rosa, auto(WATERCOLOR_AGAIN))

    names = board_names(pinterest_sandbox, rosa.account.id)
    assert len(names) == len(boards.boards) + 1
    made = pinterest_sandbox.boards_of(rosa.account.id)[-1]
    assert "watercolor" in made.name.casefold()
    assert (first["board_id"], first["status"]) == (made.id, "queued")
    assert second["board_id"] == made.id


async def test_a_new_board_without_pins_still_draws_its_topic_after_the_kept_list_expires(
    sandboxed_client: AsyncClient,
    pinterest_sandbox: Sandbox,
    rosa: Pinner,
    boards: Seeded,
    clock: Clock,
) -> None:
    first = await created(sandboxed_client, rosa, auto(WATERCOLOR, status="draft"))
    await sandboxed_client.delete(f"/pins/{first['id']}", headers=rosa.headers)
    clock.advance(minutes=10)  # listed again by Pinterest; no pin of ours on it any more

    second = await created(sandboxed_client, rosa, auto(WATERCOLOR_AGAIN))

    assert second["board_id"] == first["board_id"]
    assert len(board_names(pinterest_sandbox, rosa.account.id)) == len(boards.boards) + 1


async def test_two_pins_at_once_on_one_new_topic_make_one_board(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner, boards: Seeded
) -> None:
    responses = await asyncio.gather(
        post(sandboxed_client, rosa, auto(WATERCOLOR)),
        post(sandboxed_client, rosa, auto(WATERCOLOR_AGAIN)),
    )

    assert [response.status_code for response in responses] == [201, 201]
    assert len(board_names(pinterest_sandbox, rosa.account.id)) == len(boards.boards) + 1
    assert responses[0].json()["board_id"] == responses[1].json()["board_id"]


async def test_an_account_without_boards_gets_one_for_its_first_pin(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner
) -> None:
    body = await created(sandboxed_client, rosa, auto(TACOS))

    (made,) = pinterest_sandbox.boards_of(rosa.account.id)
    assert body["board_id"] == made.id
    assert made.name


async def test_a_board_someone_made_on_pinterest_meanwhile_is_used_not_made_again(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner, boards: Seeded
) -> None:
    suggestion = await sandboxed_client.post(
        "/boards/suggest", json=WATERCOLOR, headers=rosa.headers
    )
    name = suggestion.json()["new_board_name"]
    theirs = pinterest_sandbox.add_board(rosa.account.id, name)  # by hand, on Pinterest

    body = await created(sandboxed_client, rosa, auto(WATERCOLOR))

    assert body["board_id"] == theirs.id
    assert len(board_names(pinterest_sandbox, rosa.account.id)) == len(boards.boards) + 1


# --- the account keeps such pins for review ---------------------------------------------------


async def test_with_auto_create_boards_off_an_off_topic_pin_waits_in_review(
    sandboxed_client: AsyncClient,
    pinterest_sandbox: Sandbox,
    rosa: Pinner,
    boards: Seeded,
    database: Database,
) -> None:
    setting = await sandboxed_client.patch(
        "/auth/me", json={"auto_create_boards": False}, headers=rosa.headers
    )
    suggestion = await sandboxed_client.post(
        "/boards/suggest", json=WATERCOLOR, headers=rosa.headers
    )

    body = await created(sandboxed_client, rosa, auto(WATERCOLOR))

    assert setting.json()["auto_create_boards"] is False
    assert (body["status"], body["board_id"]) == ("review", None)
    name = suggestion.json()["new_board_name"]
    assert body["error_message"] == f"No board fits; suggested new board '{name}'"
    assert len(board_names(pinterest_sandbox, rosa.account.id)) == len(boards.boards)
    (stored,) = await stored_pins(database, rosa.user.id)
    assert stored.status is PinStatus.REVIEW


async def test_with_auto_create_boards_off_a_fitting_pin_still_gets_its_board(
    sandboxed_client: AsyncClient, rosa: Pinner, boards: Seeded
) -> None:
    await sandboxed_client.patch(
        "/auth/me", json={"auto_create_boards": False}, headers=rosa.headers
    )

    body = await created(sandboxed_client, rosa, auto(TACOS))

    assert (body["status"], body["board_id"]) == ("queued", boards.id("slow_cooker"))


async def test_a_pin_in_review_without_a_board_is_queued_once_given_one(
    sandboxed_client: AsyncClient, rosa: Pinner, boards: Seeded
) -> None:
    await sandboxed_client.patch(
        "/auth/me", json={"auto_create_boards": False}, headers=rosa.headers
    )
    pin = await created(sandboxed_client, rosa, auto(WATERCOLOR))

    refused = await sandboxed_client.put(
        f"/pins/{pin['id']}", json={"status": "queued"}, headers=rosa.headers
    )
    accepted = await sandboxed_client.put(
        f"/pins/{pin['id']}",
        json={"status": "queued", "board_id": boards.id("garden")},
        headers=rosa.headers,
    )

    assert refused.status_code == 400
    assert "Choose a board first" in refused.json()["detail"]
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["status"], accepted.json()["board_id"]) == (
        "queued",
        boards.id("garden"),
    )


# --- Pinterest failing -------------------------------------------------------------------------


async def test_pinterest_refusing_the_new_board_keeps_the_pin_in_review_with_the_reason(
    sandboxed_client: AsyncClient,
    pinterest_sandbox: Sandbox,
    rosa: Pinner,
    boards: Seeded,
    database: Database,
) -> None:
    pinterest_sandbox.add_fault({"route": "POST /v5/boards", "action": "error", "status": 503})

    body = await created(sandboxed_client, rosa, auto(WATERCOLOR))

    assert (body["status"], body["board_id"]) == ("review", None)
    assert body["error_message"].startswith("Could not create the board '")
    assert "Pinterest failed to answer" in body["error_message"]
    assert len(board_names(pinterest_sandbox, rosa.account.id)) == len(boards.boards)
    assert len(await stored_pins(database, rosa.user.id)) == 1


async def test_pinterest_failing_to_list_boards_is_a_502_and_creates_nothing(
    sandboxed_client: AsyncClient,
    pinterest_sandbox: Sandbox,
    rosa: Pinner,
    boards: Seeded,
    database: Database,
) -> None:
    pinterest_sandbox.add_fault({"route": "GET /v5/boards", "action": "error", "status": 503})

    response = await post(sandboxed_client, rosa, auto(TACOS))

    assert response.status_code == 502
    assert "Pinterest" in response.json()["detail"]
    assert await stored_pins(database, rosa.user.id) == []


# --- the body ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({"media_url": IMAGE, "title": "Tacos"}, ["body", "board_id"]),
        (
            {"media_url": IMAGE, "title": "Tacos", "board_id": "123", "auto_board": True},
            ["body", "board_id"],
        ),
        ({"media_url": IMAGE, "auto_board": True}, ["body"]),
        ({"media_url": IMAGE, "auto_board": True, "title": " ", "description": ""}, ["body"]),
        ({"media_url": IMAGE, "auto_board": "sometimes", "title": "Tacos"}, None),
    ],
)
async def test_a_pin_names_its_board_or_asks_for_one_with_text_to_go_by(
    sandboxed_client: AsyncClient,
    rosa: Pinner,
    boards: Seeded,
    database: Database,
    body: dict[str, Any],
    location: list[str] | None,
) -> None:
    response = await post(sandboxed_client, rosa, body)

    assert response.status_code == 422
    if location is not None:
        assert response.json()["detail"][0]["loc"] == location
    assert await stored_pins(database, rosa.user.id) == []


# --- bulk --------------------------------------------------------------------------------------


async def test_bulk_places_each_pin_on_its_own(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner, boards: Seeded
) -> None:
    response = await post(
        sandboxed_client,
        rosa,
        [
            auto(TACOS),
            {"board_id": boards.id("garden"), "media_url": IMAGE, "title": "Raised Beds"},
            auto(WATERCOLOR),
            auto(FIVE_K),
            auto(WATERCOLOR_AGAIN),
        ],
        "/pins/bulk",
    )

    assert response.status_code == 201, response.text
    placed = [pin["board_id"] for pin in response.json()]
    made = pinterest_sandbox.boards_of(rosa.account.id)[-1]
    assert placed == [
        boards.id("slow_cooker"),
        boards.id("garden"),
        made.id,
        boards.id("running"),
        made.id,
    ]
    assert len(board_names(pinterest_sandbox, rosa.account.id)) == len(boards.boards) + 1


async def test_bulk_names_the_item_pinterest_failed_for_and_creates_nothing(
    sandboxed_client: AsyncClient,
    pinterest_sandbox: Sandbox,
    rosa: Pinner,
    boards: Seeded,
    database: Database,
) -> None:
    pinterest_sandbox.add_fault({"route": "GET /v5/boards", "action": "error", "status": 503})

    response = await post(
        sandboxed_client,
        rosa,
        [{"board_id": boards.id("garden"), "media_url": IMAGE, "title": "Beds"}, auto(TACOS)],
        "/pins/bulk",
    )

    assert response.status_code == 502
    assert response.json()["detail"].startswith("Item 1: ")
    assert await stored_pins(database, rosa.user.id) == []
