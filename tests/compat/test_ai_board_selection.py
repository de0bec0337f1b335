"""Pin Generator's ``useAIBoardSelection``: pinsmith chooses the board (or makes one), and the
answer's ``board`` shows which; a pin it cannot place waits in review with ``board: null``."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from pinsmith.kit.db import Database
from pinsmith.models import PinStatus
from pinsmith.sandbox import Sandbox
from tests.boards.accounts import (
    SHOWER,
    TACOS,
    WATERCOLOR,
    WATERCOLOR_AGAIN,
    Seeded,
    board_names,
    growth_pinner,
    seed_boards,
)
from tests.compat.support import call, credits_of, pins_of, set_credits
from tests.conftest import Clock, Factory, Pinner

pytestmark = pytest.mark.db

IMAGE = "https://images.example.com/pin.jpg"
EMPTY = {"error": "useAIBoardSelection needs a title or description"}


@pytest.fixture
async def rosa(factory: Factory, pinterest_sandbox: Sandbox, clock: Clock) -> Pinner:
    return await growth_pinner(factory, pinterest_sandbox, "rosa_home")


@pytest.fixture
def boards(pinterest_sandbox: Sandbox, rosa: Pinner) -> Seeded:
    return seed_boards(pinterest_sandbox, rosa.account.id)


def schedule_body(who: Pinner, pin: dict[str, str], **fields: Any) -> dict[str, Any]:
    return (
        {
            "mediaURL": IMAGE,
            "pinterestProfile": who.account.username,
            "useAIBoardSelection": True,
        }
        | pin
        | fields
    )


def generate_body(who: Pinner, pin: dict[str, str], **fields: Any) -> dict[str, Any]:
    return (
        {
            "template": "BigTopText",
            "pinterestProfile": who.account.username,
            "useAIBoardSelection": True,
        }
        | pin
        | fields
    )


async def test_schedule_pin_chooses_the_board_that_fits(
    sandboxed_client: AsyncClient, rosa: Pinner, boards: Seeded, database: Database
) -> None:
    response = await call(sandboxed_client, "schedulePin", rosa.secret, schedule_body(rosa, TACOS))

    assert response.status_code == 200, response.text
    assert response.json() == {
        "message": "Pin added to scheduling queue",
        "board": {"id": boards.id("slow_cooker"), "name": "Slow Cooker Recipes"},
    }
    (pin,) = await pins_of(database, rosa.user.id)
    assert (pin.board_id, pin.status) == (boards.id("slow_cooker"), PinStatus.QUEUED)


async def test_ai_selection_wins_over_a_board_id_sent_with_it(
    sandboxed_client: AsyncClient, rosa: Pinner, boards: Seeded
) -> None:
    body = schedule_body(rosa, SHOWER, boardId=boards.id("running"))

    response = await call(sandboxed_client, "schedulePin", rosa.secret, body)

    assert response.json()["board"]["id"] == boards.id("bathroom")


async def test_generate_and_schedule_makes_a_new_board_and_says_so(
    sandboxed_client: AsyncClient,
    pinterest_sandbox: Sandbox,
    rosa: Pinner,
    boards: Seeded,
    database: Database,
) -> None:
    response = await call(
        sandboxed_client,
        "generateAndSchedule",
        rosa.secret,
        generate_body(rosa, WATERCOLOR, scheduledTime="2026-05-03T09:30:00Z"),
    )

    assert response.status_code == 200, response.text
    body = response.json()
    made = pinterest_sandbox.boards_of(rosa.account.id)[-1]
    assert body["message"] == "Pin generated and scheduled"
    assert body["board"] == {"id": made.id, "name": made.name}
    assert "watercolor" in made.name.casefold()
    (pin,) = await pins_of(database, rosa.user.id)
    assert (pin.board_id, pin.status) == (made.id, PinStatus.SCHEDULED)


async def test_the_next_pin_on_that_topic_joins_the_new_board(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner, boards: Seeded
) -> None:
    first = await call(
        sandboxed_client, "generateAndSchedule", rosa.secret, generate_body(rosa, WATERCOLOR)
    )
    second = await call(
        sandboxed_client, "schedulePin", rosa.secret, schedule_body(rosa, WATERCOLOR_AGAIN)
    )

    assert second.json()["board"] == first.json()["board"]
    assert len(board_names(pinterest_sandbox, rosa.account.id)) == len(boards.boards) + 1


@pytest.mark.parametrize("pin", [{}, {"title": "", "description": "  "}])
async def test_schedule_pin_without_title_or_description_is_a_400_that_spends_nothing(
    sandboxed_client: AsyncClient,
    rosa: Pinner,
    boards: Seeded,
    database: Database,
    pin: dict[str, str],
) -> None:
    await set_credits(database, rosa.user.id, 3)

    response = await call(sandboxed_client, "schedulePin", rosa.secret, schedule_body(rosa, pin))

    assert (response.status_code, response.json()) == (400, EMPTY)
    assert await credits_of(database, rosa.user.id) == 3
    assert await pins_of(database, rosa.user.id) == []


async def test_with_auto_create_boards_off_the_pin_is_added_for_review(
    sandboxed_client: AsyncClient,
    pinterest_sandbox: Sandbox,
    rosa: Pinner,
    boards: Seeded,
    database: Database,
) -> None:
    await sandboxed_client.patch(
        "/auth/me", json={"auto_create_boards": False}, headers=rosa.headers
    )

    response = await call(
        sandboxed_client, "schedulePin", rosa.secret, schedule_body(rosa, WATERCOLOR)
    )

    assert response.status_code == 200, response.text
    body = response.json()
    (pin,) = await pins_of(database, rosa.user.id)
    assert body["board"] is None
    assert body["message"].startswith("Pin added for review: no board fits; suggested new board '")
    assert (pin.status, pin.board_id) == (PinStatus.REVIEW, None)
    assert pin.error_message is not None
    assert pin.error_message.startswith("No board fits; suggested new board '")
    assert len(board_names(pinterest_sandbox, rosa.account.id)) == len(boards.boards)


async def test_pinterest_refusing_the_new_board_is_a_clear_answer_and_keeps_the_pin(
    sandboxed_client: AsyncClient,
    pinterest_sandbox: Sandbox,
    rosa: Pinner,
    boards: Seeded,
    database: Database,
) -> None:
    pinterest_sandbox.add_fault({"route": "POST /v5/boards", "action": "error", "status": 503})

    response = await call(
        sandboxed_client, "generateAndSchedule", rosa.secret, generate_body(rosa, WATERCOLOR)
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["board"] is None
    assert body["message"].startswith(
        "Pin generated and added for review: could not create the board '"
    )
    assert body["imageURL"].startswith("http://testserver/media/renders/")
    (pin,) = await pins_of(database, rosa.user.id)
    assert (pin.status, pin.board_id) == (PinStatus.REVIEW, None)
    assert pin.media_url == body["imageURL"]


async def test_pinterest_failing_to_list_boards_is_an_error_answer_not_a_500(
    sandboxed_client: AsyncClient,
    pinterest_sandbox: Sandbox,
    rosa: Pinner,
    boards: Seeded,
    database: Database,
) -> None:
    pinterest_sandbox.add_fault({"route": "GET /v5/boards", "action": "error", "status": 503})

    response = await call(sandboxed_client, "schedulePin", rosa.secret, schedule_body(rosa, TACOS))

    assert response.status_code == 502
    assert "Pinterest failed to answer" in response.json()["error"]
    assert await pins_of(database, rosa.user.id) == []
