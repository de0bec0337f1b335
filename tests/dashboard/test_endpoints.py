from __future__ import annotations

from fastapi import FastAPI
from httpx import AsyncClient

from pinsmith.auth.session import COOKIE_NAME, SessionCookie
from tests.conftest import Factory, bearer


def cookie_for(app: FastAPI, user_id: int) -> dict[str, str]:
    cookies: SessionCookie = app.state.session_cookie
    return {"Cookie": f"{COOKIE_NAME}={cookies.issue(user_id)}"}


async def test_home_says_nobody_is_signed_in_and_links_to_the_docs(client: AsyncClient) -> None:
    response = await client.get("/")

    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "Not signed in" in response.text
    assert 'href="/auth/login"' in response.text
    assert 'href="/docs"' in response.text


async def test_home_names_the_signed_in_user(
    client: AsyncClient, factory: Factory, app: FastAPI
) -> None:
    user = await factory.user("dora")

    response = await client.get("/", headers=cookie_for(app, user.id))

    assert "Signed in as <strong>dora</strong>" in response.text
    assert "Sign out" in response.text


async def test_home_tells_a_pending_account_to_ask_for_approval(
    client: AsyncClient, factory: Factory
) -> None:
    _, secret = await factory.user_with_key("erin", is_approved=False)

    response = await client.get("/", headers=bearer(secret))

    assert response.status_code == 200
    assert "pending approval" in response.text
    assert "pinsmith users approve erin" in response.text


async def test_home_treats_a_stale_cookie_as_signed_out(client: AsyncClient) -> None:
    response = await client.get("/", headers={"Cookie": f"{COOKIE_NAME}=stale"})

    assert response.status_code == 200
    assert "Not signed in" in response.text
