from __future__ import annotations

import pytest
from fastapi import FastAPI, Response
from httpx import AsyncClient

from pinsmith.auth.session import COOKIE_NAME, SessionCookie
from pinsmith.kit.crypto import generate_secret_key
from pinsmith.kit.db import Database
from pinsmith.users import service as users
from pinsmith.users.schemas import UserUpdate
from tests.conftest import Clock, Factory, bearer


def session_cookie(app: FastAPI, user_id: int) -> dict[str, str]:
    cookies: SessionCookie = app.state.session_cookie
    return {"Cookie": f"{COOKIE_NAME}={cookies.issue(user_id)}"}


async def test_me_has_pinflows_shape(client: AsyncClient, factory: Factory) -> None:
    user, secret = await factory.user_with_key(
        "alice", timezone="Europe/Lisbon", pinterest_user_id="12345678"
    )

    response = await client.get("/auth/me", headers=bearer(secret))

    assert response.status_code == 200
    body = response.json()
    assert {
        key: body[key]
        for key in ("id", "pinterest_user_id", "username", "timezone", "daily_pin_limit")
    } == {
        "id": user.id,
        "pinterest_user_id": "12345678",
        "username": "alice",
        "timezone": "Europe/Lisbon",
        "daily_pin_limit": 2,
    }
    assert body["created_at"].endswith("Z")


async def test_x_api_key_header_authenticates(client: AsyncClient, factory: Factory) -> None:
    _, secret = await factory.user_with_key()

    response = await client.get("/auth/me", headers={"X-API-Key": secret})

    assert response.status_code == 200
    assert response.json()["username"] == "alice"


async def test_session_cookie_authenticates(
    client: AsyncClient, factory: Factory, app: FastAPI
) -> None:
    user = await factory.user("carol")

    response = await client.get("/auth/me", headers=session_cookie(app, user.id))

    assert response.status_code == 200
    assert response.json()["username"] == "carol"


async def test_bearer_comes_before_x_api_key_and_the_cookie(
    client: AsyncClient, factory: Factory, app: FastAPI
) -> None:
    _, alice = await factory.user_with_key("alice")
    _, bob = await factory.user_with_key("bob")
    carol = await factory.user("carol")

    response = await client.get(
        "/auth/me",
        headers={**bearer(alice), "X-API-Key": bob, **session_cookie(app, carol.id)},
    )
    by_header = await client.get(
        "/auth/me", headers={"X-API-Key": bob, **session_cookie(app, carol.id)}
    )

    assert response.json()["username"] == "alice"
    assert by_header.json()["username"] == "bob"


async def test_a_bad_key_never_falls_back_to_another_credential(
    client: AsyncClient, factory: Factory, app: FastAPI
) -> None:
    _, bob = await factory.user_with_key("bob")
    carol = await factory.user("carol")

    response = await client.get(
        "/auth/me",
        headers={
            **bearer("sk_pinsmith_" + "0" * 64),
            "X-API-Key": bob,
            **session_cookie(app, carol.id),
        },
    )

    assert response.status_code == 401


async def test_missing_credentials_are_a_401_with_a_json_detail(client: AsyncClient) -> None:
    response = await client.get("/auth/me")

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "Not authenticated" in response.json()["detail"]


async def test_malformed_and_invalid_credentials_are_401(
    client: AsyncClient, factory: Factory
) -> None:
    await factory.user_with_key()
    attempts = [
        {"Authorization": "Basic YWxpY2U6c2VjcmV0"},
        {"Authorization": "Bearer"},
        {"Authorization": "sk_pinsmith_" + "a" * 64},
        bearer("sk_pinsmith_" + "a" * 64),
        bearer("not-a-key"),
        {"X-API-Key": "sk_pinsmith_short"},
        {"Cookie": f"{COOKIE_NAME}=forged.value.here"},
    ]

    for headers in attempts:
        response = await client.get("/auth/me", headers=headers)
        assert response.status_code == 401, headers
        assert isinstance(response.json()["detail"], str)


async def test_an_account_pending_approval_is_forbidden(
    client: AsyncClient, factory: Factory
) -> None:
    _, secret = await factory.user_with_key(is_approved=False)

    response = await client.get("/auth/me", headers=bearer(secret))

    assert response.status_code == 403
    assert response.json() == {"detail": "Account pending approval"}


async def test_a_suspended_account_is_forbidden_everywhere(
    client: AsyncClient, factory: Factory, database: Database
) -> None:
    user, secret = await factory.user_with_key()
    async with database.transaction() as session:
        found = await users.get_by_username(session, user.username)
        await users.update(session, found, UserUpdate(is_suspended=True))

    me = await client.get("/auth/me", headers=bearer(secret))
    keys = await client.post("/api-keys", json={"name": "x"}, headers=bearer(secret))

    assert me.status_code == 403
    assert me.json() == {"detail": "Account suspended"}
    assert keys.status_code == 403


async def test_an_expired_session_cookie_is_refused(
    client: AsyncClient, factory: Factory, app: FastAPI, clock: Clock
) -> None:
    user = await factory.user()
    cookie = session_cookie(app, user.id)
    cookies: SessionCookie = app.state.session_cookie

    clock.advance(seconds=cookies.max_age_seconds + 1)
    response = await client.get("/auth/me", headers=cookie)

    assert response.status_code == 401
    assert "sign in again" in response.json()["detail"]


async def test_a_cookie_for_a_deleted_user_is_refused(
    client: AsyncClient, app: FastAPI, factory: Factory
) -> None:
    response = await client.get("/auth/me", headers=session_cookie(app, 999_999))

    assert response.status_code == 401


async def test_logout_clears_the_session_and_redirects_home(
    client: AsyncClient, app: FastAPI, factory: Factory
) -> None:
    user = await factory.user()

    response = await client.post("/auth/logout", headers=session_cookie(app, user.id))

    assert response.status_code == 303
    assert response.headers["location"] == "/"
    set_cookie = response.headers["set-cookie"].lower()
    assert set_cookie.startswith(f"{COOKIE_NAME}=")
    assert "max-age=0" in set_cookie
    assert "httponly" in set_cookie
    assert "samesite=lax" in set_cookie


@pytest.mark.parametrize(("secure", "expect_secure"), [(False, False), (True, True)])
def test_the_session_cookie_is_httponly_and_lax(secure: bool, expect_secure: bool) -> None:
    cookies = SessionCookie([generate_secret_key()], 3600, secure=secure)
    response = Response()

    cookies.attach(response, 7)

    header = response.headers["set-cookie"]
    attributes = header.lower().split("; ")[1:]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert ("secure" in attributes) is expect_secure
    assert cookies.read(header.split(";")[0].split("=", 1)[1]) == 7


def test_a_cookie_signed_with_an_older_key_still_reads_after_rotation() -> None:
    old, new = generate_secret_key(), generate_secret_key()
    issued = SessionCookie([old], 3600, secure=False).issue(5)

    assert SessionCookie([new, old], 3600, secure=False).read(issued) == 5
    assert SessionCookie([new], 3600, secure=False).read(issued) is None
