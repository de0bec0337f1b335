"""POST /boards/suggest: the boards that fit a pin best, or the new board it needs; nothing made."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient, Response

from pinsmith.sandbox import Sandbox
from tests.boards.accounts import (
    FIVE_K,
    SHOWER,
    TACOS,
    WATERCOLOR,
    Seeded,
    board_names,
    growth_pinner,
    seed_boards,
)
from tests.conftest import Clock, Factory, Pinner

pytestmark = pytest.mark.db

EMPTY = {"detail": "useAIBoardSelection needs a title or description"}


@pytest.fixture
async def rosa(factory: Factory, pinterest_sandbox: Sandbox, clock: Clock) -> Pinner:
    return await growth_pinner(factory, pinterest_sandbox, "rosa_home")


@pytest.fixture
def boards(pinterest_sandbox: Sandbox, rosa: Pinner) -> Seeded:
    return seed_boards(pinterest_sandbox, rosa.account.id)


async def suggest(client: AsyncClient, who: Pinner, pin: dict[str, Any], **params: Any) -> Response:
    return await client.post("/boards/suggest", json=pin, params=params, headers=who.headers)


@pytest.mark.parametrize(
    ("pin", "expected"), [(TACOS, "slow_cooker"), (SHOWER, "bathroom"), (FIVE_K, "running")]
)
async def test_the_board_that_fits_comes_first(
    sandboxed_client: AsyncClient,
    rosa: Pinner,
    boards: Seeded,
    pin: dict[str, str],
    expected: str,
) -> None:
    response = await suggest(sandboxed_client, rosa, pin)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["decision"] == "existing"
    assert body["new_board_name"] is None
    best = body["boards"][0]
    assert best["id"] == boards.id(expected)
    assert best["name"] == boards.boards[expected].name
    assert 0 <= best["score"] <= 1
    assert best["reason"]
    assert [board["score"] for board in body["boards"]] == sorted(
        (board["score"] for board in body["boards"]), reverse=True
    )


async def test_at_most_five_boards_are_suggested(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner, boards: Seeded
) -> None:
    for topic in ("Knitting Patterns", "Dog Training", "Wedding Cakes", "Home Office Setup"):
        pinterest_sandbox.add_board(rosa.account.id, topic)

    response = await suggest(sandboxed_client, rosa, TACOS)

    assert len(response.json()["boards"]) == 5


async def test_an_off_topic_pin_gets_a_new_board_suggested_and_nothing_is_made(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner, boards: Seeded
) -> None:
    response = await suggest(sandboxed_client, rosa, WATERCOLOR)

    body = response.json()
    assert body["decision"] == "new"
    assert "watercolor" in body["new_board_name"].casefold()
    assert len(board_names(pinterest_sandbox, rosa.account.id)) == len(boards.boards)


async def test_an_account_without_boards_gets_a_new_board_suggested(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner
) -> None:
    response = await suggest(sandboxed_client, rosa, TACOS)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["boards"], body["decision"]) == ([], "new")
    assert body["new_board_name"]
    assert board_names(pinterest_sandbox, rosa.account.id) == []


async def test_the_best_section_of_the_board_is_named(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner, boards: Seeded
) -> None:
    pinterest_sandbox.add_section(boards.id("slow_cooker"), "Soups and Stews")
    tacos = pinterest_sandbox.add_section(boards.id("slow_cooker"), "Chicken Dinners")

    response = await suggest(sandboxed_client, rosa, TACOS)

    best = response.json()["boards"][0]
    assert best["id"] == boards.id("slow_cooker")
    assert best["section"] == {"id": tacos.id, "name": "Chicken Dinners"}


@pytest.mark.parametrize(
    "pin",
    [{}, {"title": "", "description": ""}, {"title": "   "}, {"link": "https://example.com/a"}],
)
async def test_a_pin_without_title_or_description_is_a_400(
    sandboxed_client: AsyncClient, rosa: Pinner, boards: Seeded, pin: dict[str, str]
) -> None:
    response = await suggest(sandboxed_client, rosa, pin)

    assert (response.status_code, response.json()) == (400, EMPTY)


async def test_suggest_answers_only_the_caller(
    sandboxed_client: AsyncClient, rosa: Pinner, boards: Seeded
) -> None:
    response = await sandboxed_client.post("/boards/suggest", json=TACOS)

    assert response.status_code == 401


async def test_another_users_profile_is_not_found(
    sandboxed_client: AsyncClient,
    pinterest_sandbox: Sandbox,
    factory: Factory,
    rosa: Pinner,
    boards: Seeded,
) -> None:
    bob = await growth_pinner(factory, pinterest_sandbox, "bob_builds")

    response = await suggest(sandboxed_client, rosa, TACOS | {"profile_id": bob.profile_id})

    assert response.status_code == 404


async def test_pinterest_failing_to_list_boards_is_a_502_not_a_500(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner, boards: Seeded
) -> None:
    pinterest_sandbox.add_fault({"route": "GET /v5/boards", "action": "error", "status": 503})

    response = await suggest(sandboxed_client, rosa, TACOS)

    assert response.status_code == 502
    assert "Pinterest failed to answer" in response.json()["detail"]


async def test_pinterest_rate_limiting_the_listing_is_a_429(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner, boards: Seeded
) -> None:
    pinterest_sandbox.add_fault({"route": "GET /v5/boards", "action": "error", "status": 429})

    response = await suggest(sandboxed_client, rosa, TACOS)

    assert response.status_code == 429
    assert "Retry-After" in response.headers


# --- the boards kept between looks at Pinterest -------------------------------------------------


async def test_a_board_made_on_pinterest_appears_once_the_kept_list_expires(
    sandboxed_client: AsyncClient,
    pinterest_sandbox: Sandbox,
    rosa: Pinner,
    boards: Seeded,
    clock: Clock,
) -> None:
    first = await suggest(sandboxed_client, rosa, WATERCOLOR)
    painting = pinterest_sandbox.add_board(rosa.account.id, "Watercolor Painting")

    kept = await suggest(sandboxed_client, rosa, WATERCOLOR)
    clock.advance(minutes=5, seconds=1)
    expired = await suggest(sandboxed_client, rosa, WATERCOLOR)

    assert first.json()["decision"] == "new"
    assert painting.id not in [board["id"] for board in kept.json()["boards"]]
    assert expired.json()["decision"] == "existing"
    assert expired.json()["boards"][0]["id"] == painting.id


async def test_refresh_asks_pinterest_at_once(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner, boards: Seeded
) -> None:
    await suggest(sandboxed_client, rosa, WATERCOLOR)
    painting = pinterest_sandbox.add_board(rosa.account.id, "Watercolor Painting")

    refreshed = await suggest(sandboxed_client, rosa, WATERCOLOR, refresh="true")

    assert refreshed.json()["boards"][0]["id"] == painting.id


async def test_a_board_made_through_pinsmith_is_known_at_once(
    sandboxed_client: AsyncClient, rosa: Pinner, boards: Seeded
) -> None:
    await suggest(sandboxed_client, rosa, WATERCOLOR)
    made = await sandboxed_client.post(
        "/boards", json={"name": "Watercolor Painting"}, headers=rosa.headers
    )

    response = await suggest(sandboxed_client, rosa, WATERCOLOR)

    assert response.json()["decision"] == "existing"
    assert response.json()["boards"][0]["id"] == made.json()["id"]


async def test_a_section_made_through_pinsmith_is_known_at_once(
    sandboxed_client: AsyncClient, rosa: Pinner, boards: Seeded
) -> None:
    await suggest(sandboxed_client, rosa, TACOS)
    made = await sandboxed_client.post(
        f"/boards/{boards.id('slow_cooker')}/sections",
        json={"name": "Chicken Dinners"},
        headers=rosa.headers,
    )

    response = await suggest(sandboxed_client, rosa, TACOS)

    assert response.json()["boards"][0]["section"] == made.json()
