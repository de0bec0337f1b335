"""The boards API, proxied live to the sandbox as the account's Pinterest."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import update

from pinsmith.app import create_app
from pinsmith.config import Settings
from pinsmith.kit.crypto import SecretBox
from pinsmith.kit.db import Database
from pinsmith.models import Pin, PinStatus, PinterestProfile, ProfileStatus
from pinsmith.sandbox import Sandbox
from tests.conftest import Clock, Factory, Pinner, bearer, connect, pinner


@pytest.fixture
async def rosa(factory: Factory, pinterest_sandbox: Sandbox) -> Pinner:
    return await pinner(factory, pinterest_sandbox, "rosa_bakes")


async def stored_profile(database: Database, profile_id: int) -> PinterestProfile:
    async with database.transaction(write=False) as session:
        profile = await session.get(PinterestProfile, profile_id)
        assert profile is not None
        return profile


async def test_boards_are_listed_in_pinflows_shape(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner
) -> None:
    board = pinterest_sandbox.add_board(rosa.account.id, "Sourdough", "Loaves and starters")
    pinterest_sandbox.add_board(rosa.account.id, "Secret bakes", privacy="SECRET")

    response = await sandboxed_client.get("/boards", headers=rosa.headers)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "pinterest_user_id": rosa.account.id,
        "pinterest_username": "rosa_bakes",
        "items": [
            {
                "id": board.id,
                "name": "Sourdough",
                "description": "Loaves and starters",
                "privacy": "PUBLIC",
            },
            {
                "id": pinterest_sandbox.boards_of(rosa.account.id)[1].id,
                "name": "Secret bakes",
                "description": None,
                "privacy": "SECRET",
            },
        ],
    }


async def test_every_page_of_boards_is_listed(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner
) -> None:
    for number in range(1, 262):
        pinterest_sandbox.add_board(rosa.account.id, f"Board {number}")

    response = await sandboxed_client.get("/boards", headers=rosa.headers)

    names = [board["name"] for board in response.json()["items"]]
    assert len(names) == 261
    assert set(names) == {f"Board {number}" for number in range(1, 262)}


async def test_profile_id_chooses_another_connected_account(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner, factory: Factory
) -> None:
    travels = pinterest_sandbox.add_user("rosa_travels")
    pinterest_sandbox.add_board(travels.id, "Lisbon")
    await connect(factory, pinterest_sandbox, rosa.user, travels)
    second = await factory.profile(rosa.user, pinterest_user_id=travels.id, username="rosa_travels")

    response = await sandboxed_client.get(
        "/boards", params={"profile_id": second.id}, headers=rosa.headers
    )

    assert response.json()["pinterest_username"] == "rosa_travels"
    assert [board["name"] for board in response.json()["items"]] == ["Lisbon"]


async def test_another_users_profile_is_not_found(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner, factory: Factory
) -> None:
    bob = await pinner(factory, pinterest_sandbox, "bob_builds")

    response = await sandboxed_client.get(
        "/boards", params={"profile_id": bob.profile_id}, headers=rosa.headers
    )

    assert response.status_code == 404


async def test_without_a_connected_account_boards_say_so(
    sandboxed_client: AsyncClient, factory: Factory
) -> None:
    _, secret = await factory.user_with_key("nobody")

    response = await sandboxed_client.get("/boards", headers=bearer(secret))

    assert response.status_code == 409
    assert "Connect a Pinterest account" in response.json()["detail"]


async def test_creating_a_board_answers_pinterests_shape(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner
) -> None:
    response = await sandboxed_client.post(
        "/boards",
        json={"name": "Weeknight Dinners", "description": "Fast and good", "privacy": "SECRET"},
        headers=rosa.headers,
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["name"], body["description"], body["privacy"]) == (
        "Weeknight Dinners",
        "Fast and good",
        "SECRET",
    )
    assert body["owner"] == {"username": "rosa_bakes"}
    created = pinterest_sandbox.board(body["id"])
    assert created is not None
    assert created.owner_id == rosa.account.id


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 181}, "name"),
        ({"name": "Ok", "privacy": "FRIENDS"}, "privacy"),
        ({"name": "Ok", "colour": "red"}, "colour"),
    ],
)
async def test_an_invalid_board_is_refused_before_pinterest(
    sandboxed_client: AsyncClient,
    pinterest_sandbox: Sandbox,
    rosa: Pinner,
    body: dict[str, Any],
    field: str,
) -> None:
    response = await sandboxed_client.post("/boards", json=body, headers=rosa.headers)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field
    assert pinterest_sandbox.boards_of(rosa.account.id) == []


async def test_sections_are_listed_and_created(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner
) -> None:
    board = pinterest_sandbox.add_board(rosa.account.id, "Sourdough")
    starters = pinterest_sandbox.add_section(board.id, "Starters")

    created = await sandboxed_client.post(
        f"/boards/{board.id}/sections", json={"name": "Loaves"}, headers=rosa.headers
    )
    listed = await sandboxed_client.get(f"/boards/{board.id}/sections", headers=rosa.headers)

    assert created.status_code == 201, created.text
    assert created.json()["name"] == "Loaves"
    assert listed.json() == {
        "board_id": board.id,
        "items": [
            {"id": starters.id, "name": "Starters"},
            {"id": created.json()["id"], "name": "Loaves"},
        ],
    }


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_board_of_another_pinterest_account_is_not_found(
    sandboxed_client: AsyncClient,
    pinterest_sandbox: Sandbox,
    rosa: Pinner,
    factory: Factory,
    method: str,
) -> None:
    bob = await pinner(factory, pinterest_sandbox, "bob_builds")
    his = pinterest_sandbox.add_board(bob.account.id, "Sheds")

    response = await sandboxed_client.request(
        method,
        f"/boards/{his.id}/sections",
        json={"name": "Mine now"} if method == "POST" else None,
        headers=rosa.headers,
    )

    assert response.status_code == 404
    assert "not found" in response.json()["detail"].lower()
    assert pinterest_sandbox.sections_of(his.id) == []


async def test_a_board_id_must_be_digits(sandboxed_client: AsyncClient, rosa: Pinner) -> None:
    response = await sandboxed_client.get("/boards/abc/sections", headers=rosa.headers)

    assert response.status_code == 422


async def test_board_analytics_count_pinsmiths_pins_per_board(
    sandboxed_client: AsyncClient,
    pinterest_sandbox: Sandbox,
    rosa: Pinner,
    database: Database,
) -> None:
    bread = pinterest_sandbox.add_board(rosa.account.id, "Bread")
    cakes = pinterest_sandbox.add_board(rosa.account.id, "Cakes")
    gone = "999999999999"
    created = []
    for board_id, status in [
        (bread.id, "draft"),
        (bread.id, "queued"),
        (bread.id, "queued"),
        (bread.id, "review"),
        (gone, "queued"),
    ]:
        response = await sandboxed_client.post(
            "/pins",
            json={
                "board_id": board_id,
                "media_url": "https://images.example.com/bread.jpg",
                "status": status,
            },
            headers=rosa.headers,
        )
        assert response.status_code == 201, response.text
        created.append(response.json()["id"])
    async with database.transaction() as session:
        await session.execute(
            update(Pin).where(Pin.id == created[1]).values(status=PinStatus.PUBLISHED)
        )
        await session.execute(
            update(Pin).where(Pin.id == created[4]).values(status=PinStatus.FAILED)
        )

    response = await sandboxed_client.get("/boards/analytics", headers=rosa.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["pinterest_user_id"], body["pinterest_username"]) == (
        rosa.account.id,
        "rosa_bakes",
    )
    counters = ("total_pins", "published_pins", "scheduled_pins", "draft_pins", "failed_pins")
    assert [
        (board["board_id"], board["name"], *(board[name] for name in counters))
        for board in body["boards"]
    ] == [
        (bread.id, "Bread", 4, 1, 1, 2, 0),
        (cakes.id, "Cakes", 0, 0, 0, 0, 0),
        (gone, None, 1, 0, 0, 0, 1),
    ]


async def test_a_token_near_expiry_is_refreshed_and_the_new_pair_kept(
    sandboxed_client: AsyncClient,
    pinterest_sandbox: Sandbox,
    factory: Factory,
    database: Database,
    clock: Clock,
) -> None:
    rosa = await pinner(factory, pinterest_sandbox, "rosa_bakes", expires_in=60)
    before = await stored_profile(database, rosa.profile_id)
    box = SecretBox(factory.settings.secret_keys)

    # A write: its refresh commits in a transaction of its own while the request is open.
    response = await sandboxed_client.post("/boards", json={"name": "Pies"}, headers=rosa.headers)

    assert response.status_code == 201, response.text
    after = await stored_profile(database, rosa.profile_id)
    assert after.access_token_encrypted is not None
    assert after.refresh_token_encrypted is not None
    assert box.decrypt(after.access_token_encrypted) != rosa.tokens.access_token
    assert box.decrypt(after.refresh_token_encrypted) != rosa.tokens.refresh_token
    assert after.token_expires_at is not None
    assert before.token_expires_at is not None
    assert after.token_expires_at > before.token_expires_at
    assert pinterest_sandbox.state.refresh_tokens[rosa.tokens.refresh_token].revoked


async def test_a_refused_refresh_marks_the_profile_and_deletes_nothing(
    sandboxed_client: AsyncClient,
    pinterest_sandbox: Sandbox,
    factory: Factory,
    database: Database,
) -> None:
    rosa = await pinner(factory, pinterest_sandbox, "rosa_bakes", expires_in=60)
    pinterest_sandbox.state.refresh_tokens[rosa.tokens.refresh_token].revoked = True
    before = await stored_profile(database, rosa.profile_id)

    response = await sandboxed_client.get("/boards", headers=rosa.headers)

    assert response.status_code == 409
    assert "reconnect" in response.json()["detail"]
    after = await stored_profile(database, rosa.profile_id)
    assert after.status is ProfileStatus.NEEDS_RECONNECT
    assert after.status_reason
    assert after.access_token_encrypted == before.access_token_encrypted
    assert after.refresh_token_encrypted == before.refresh_token_encrypted
    listed = (await sandboxed_client.get("/profiles", headers=rosa.headers)).json()
    assert [(p["status"], p["status_reason"]) for p in listed] == [
        ("needs_reconnect", after.status_reason)
    ]
    me = (await sandboxed_client.get("/auth/me", headers=rosa.headers)).json()
    assert me["profiles"][0]["status"] == "needs_reconnect"
    calls_before = pinterest_sandbox.counts()

    again = await sandboxed_client.get("/boards", headers=rosa.headers)

    assert again.status_code == 409
    assert "needs reconnecting" in again.json()["detail"]
    assert pinterest_sandbox.counts() == calls_before


async def test_pinterest_failing_is_a_502(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner
) -> None:
    pinterest_sandbox.add_fault({"route": "GET /v5/boards", "action": "error", "status": 503})

    response = await sandboxed_client.get("/boards", headers=rosa.headers)

    assert response.status_code == 502
    assert "Pinterest failed to answer" in response.json()["detail"]


async def test_pinterest_rate_limiting_is_a_429_with_retry_after(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner
) -> None:
    pinterest_sandbox.add_fault({"route": "POST /v5/boards", "action": "error", "status": 429})

    response = await sandboxed_client.post("/boards", json={"name": "Pies"}, headers=rosa.headers)

    assert response.status_code == 429
    assert int(response.headers["retry-after"]) >= 1


async def test_a_spam_block_is_a_429_that_says_so(
    sandboxed_client: AsyncClient, pinterest_sandbox: Sandbox, rosa: Pinner
) -> None:
    pinterest_sandbox.add_fault({"route": "POST /v5/boards", "action": "spam_block"})

    response = await sandboxed_client.post("/boards", json={"name": "Pies"}, headers=rosa.headers)

    assert response.status_code == 429
    assert "spam" in response.json()["detail"]
    assert "retry-after" not in response.headers


@pytest.mark.parametrize(
    ("failure", "status", "detail"),
    [
        (httpx.ConnectError("connection refused"), 502, "Pinterest is unreachable at"),
        (httpx.ReadTimeout("timed out"), 504, "did not answer in time"),
    ],
)
async def test_pinterest_unreachable_or_silent_is_a_clear_gateway_error(
    sandboxed_settings: Settings,
    rosa: Pinner,
    failure: Exception,
    status: int,
    detail: str,
) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise failure

    app: FastAPI = create_app(
        sandboxed_settings, migrate=False, pinterest_transport=httpx.MockTransport(fail)
    )
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver") as pinsmith,
    ):
        response = await pinsmith.get("/boards", headers=rosa.headers)

    assert response.status_code == status
    assert detail in response.json()["detail"]


async def test_requests_that_refresh_at_once_both_succeed_and_mark_nothing(
    sandboxed_client: AsyncClient,
    pinterest_sandbox: Sandbox,
    factory: Factory,
    database: Database,
) -> None:
    rosa = await pinner(factory, pinterest_sandbox, "rosa_bakes", expires_in=60)
    pinterest_sandbox.add_board(rosa.account.id, "Pies")

    answers = await asyncio.gather(
        *(sandboxed_client.get("/boards", headers=rosa.headers) for _ in range(3))
    )

    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert (await stored_profile(database, rosa.profile_id)).status is ProfileStatus.ACTIVE
