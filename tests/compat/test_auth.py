"""Pin Generator's access key: 403 without one, 401 "User not found" for any key that may not
be used, in its ``{"error"}`` shape."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy import select, update

from pinsmith.kit.db import Database
from pinsmith.models import ApiKey, User
from tests.compat.conftest import Caller
from tests.compat.support import call
from tests.conftest import Factory, bearer

pytestmark = pytest.mark.db

ENDPOINTS = ["generateImage", "generateAndSchedule", "schedulePin"]
BODY = {"template": "StandardTemplate", "title": "Hello"}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
async def test_without_an_access_key_the_answer_is_unauthorized(
    sandboxed_client: AsyncClient, endpoint: str
) -> None:
    response = await call(sandboxed_client, endpoint, None, BODY)

    assert response.status_code == 403
    assert response.json() == {"error": "Unauthorized"}


async def test_pinsmiths_own_bearer_header_is_not_an_access_key(
    sandboxed_client: AsyncClient, rosa: Caller
) -> None:
    response = await sandboxed_client.post(
        "/api/generateImage", json=BODY, headers=bearer(rosa.key)
    )

    assert response.status_code == 403
    assert response.json() == {"error": "Unauthorized"}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
async def test_an_unknown_key_is_user_not_found(
    sandboxed_client: AsyncClient, endpoint: str
) -> None:
    response = await call(sandboxed_client, endpoint, "sk_pinsmith_" + "0" * 64, BODY)

    assert response.status_code == 401
    assert response.json() == {"error": "User not found"}
    assert "www-authenticate" not in response.headers


async def test_a_disabled_key_is_user_not_found(
    sandboxed_client: AsyncClient, rosa: Caller, database: Database
) -> None:
    async with database.transaction() as session:
        await session.execute(update(ApiKey).values(is_active=False))

    response = await call(sandboxed_client, "generateImage", rosa.key, BODY)

    assert (response.status_code, response.json()) == (401, {"error": "User not found"})


@pytest.mark.parametrize("state", [{"is_suspended": True}, {"is_approved": False}])
async def test_a_user_who_may_not_use_the_api_is_not_found(
    sandboxed_client: AsyncClient, rosa: Caller, database: Database, state: dict[str, bool]
) -> None:
    async with database.transaction() as session:
        await session.execute(update(User).where(User.id == rosa.user_id).values(**state))

    response = await call(sandboxed_client, "generateImage", rosa.key, BODY)

    assert (response.status_code, response.json()) == (401, {"error": "User not found"})


async def test_the_key_may_come_as_access_dash_key_behind_a_proxy(
    sandboxed_client: AsyncClient, factory: Factory
) -> None:
    _, secret = await factory.user_with_key("proxied", credits=0)

    response = await sandboxed_client.post(
        "/api/generateImage", json=BODY, headers={"access-key": secret}
    )

    assert response.status_code == 402  # past the key: the account has no credits


async def test_a_use_of_the_key_is_recorded(
    sandboxed_client: AsyncClient, rosa: Caller, database: Database
) -> None:
    body = {
        "mediaURL": "https://images.example.com/beach.jpg",
        "pinterestProfile": rosa.username,
        "boardId": rosa.board.id,
    }

    response = await call(sandboxed_client, "schedulePin", rosa.key, body)

    assert response.status_code == 200, response.text
    async with database.transaction(write=False) as session:
        key = (await session.execute(select(ApiKey))).scalar_one()
    assert key.last_used_at is not None
