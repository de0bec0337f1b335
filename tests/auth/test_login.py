"""Signing in with Pinterest, walked without a browser: pinsmith -> the sandbox's consent form ->
Allow -> pinsmith's callback -> a session that can make API keys."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import func, select

from pinsmith.app import create_app
from pinsmith.auth.session import COOKIE_NAME
from pinsmith.config import Settings
from pinsmith.kit.db import Database
from pinsmith.models import OAuthState, PinterestProfile, User
from pinsmith.pinterest import DEFAULT_SCOPES
from pinsmith.sandbox import Sandbox
from tests.conftest import SANDBOX_URL, Clock, Factory, bearer, sandboxed_with


class FormReader(HTMLParser):
    """The consent page's form: its action, hidden fields and the choices of account."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}
        self.accounts: dict[str, str] = {}  # username -> the radio's value
        self._radio: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.action = attributes["action"]
        elif tag == "input" and attributes.get("type") == "hidden":
            self.fields[attributes["name"]] = attributes["value"]
        elif tag == "input" and attributes.get("type") == "radio":
            self._radio = attributes["value"]

    def handle_data(self, data: str) -> None:
        if self._radio is not None and data.strip():
            self.accounts[data.split()[0]] = self._radio
            self._radio = None


async def consent(browser: AsyncClient, authorize_url: str, username: str, decision: str) -> str:
    """Open the consent page, pick ``username`` and press Allow or Deny: where it redirects."""
    page = await browser.get(authorize_url)
    assert page.status_code == 200, page.text
    form = FormReader()
    form.feed(page.text)
    decided = await browser.post(
        form.action,
        data=form.fields | {"user_id": form.accounts[username], "decision": decision},
    )
    assert decided.status_code == 302, decided.text
    return decided.headers["location"]


async def sign_in(
    pinsmith: AsyncClient, browser: AsyncClient, username: str, *, connect: bool = False
) -> httpx.Response:
    """The whole journey; returns pinsmith's answer to the callback."""
    started = await pinsmith.get("/auth/login", params={"connect": 1} if connect else None)
    assert started.status_code == 302, started.text
    back = await consent(browser, started.headers["location"], username, "allow")
    return await pinsmith.get(back)


async def count(database: Database, model: type[Any]) -> int:
    async with database.transaction(write=False) as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


@pytest.fixture
def rosa(pinterest_sandbox: Sandbox) -> Any:
    user = pinterest_sandbox.add_user("rosa_bakes")
    pinterest_sandbox.add_board(user.id, "Sourdough")
    return user


async def test_the_whole_login_ends_in_a_session_that_makes_api_keys(
    sandboxed_client: AsyncClient, sandbox_browser: AsyncClient, rosa: Any, database: Database
) -> None:
    started = await sandboxed_client.get("/auth/login")

    assert started.status_code == 302
    authorize = urlsplit(started.headers["location"])
    query = {name: values[0] for name, values in parse_qs(authorize.query).items()}
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == f"{SANDBOX_URL}/oauth/"
    assert query["response_type"] == "code"
    assert query["redirect_uri"] == "http://testserver/auth/callback"
    assert query["scope"] == ",".join(DEFAULT_SCOPES)
    assert query["state"]

    back = await consent(sandbox_browser, started.headers["location"], "rosa_bakes", "allow")
    landed = await sandboxed_client.get(back)

    assert landed.status_code == 302
    assert landed.headers["location"] == "/"
    assert COOKIE_NAME in landed.cookies
    home = await sandboxed_client.get("/")
    assert "Signed in as <strong>rosa_bakes</strong>" in home.text
    created = await sandboxed_client.post("/api-keys", json={"name": "zapier"})
    assert created.status_code == 201, created.text
    sandboxed_client.cookies.clear()
    me = await sandboxed_client.get("/auth/me", headers=bearer(created.json()["secret_key"]))
    assert me.status_code == 200
    body = me.json()
    assert (body["username"], body["pinterest_user_id"]) == ("rosa_bakes", rosa.id)
    assert [(p["username"], p["status"]) for p in body["profiles"]] == [("rosa_bakes", "active")]
    async with database.transaction(write=False) as session:
        profile = (await session.execute(select(PinterestProfile))).scalar_one()
        user = (await session.execute(select(User))).scalar_one()
    assert user.is_admin
    assert user.is_approved
    assert profile.access_token_encrypted is not None
    assert not profile.access_token_encrypted.startswith("pina")  # stored encrypted
    assert profile.token_expires_at is not None
    assert await count(database, OAuthState) == 0  # the state is used up


async def test_the_profile_acts_on_pinterest_with_the_granted_tokens(
    sandboxed_client: AsyncClient, sandbox_browser: AsyncClient, rosa: Any
) -> None:
    await sign_in(sandboxed_client, sandbox_browser, "rosa_bakes")

    boards = await sandboxed_client.get("/boards")

    assert boards.status_code == 200, boards.text
    assert [board["name"] for board in boards.json()["items"]] == ["Sourdough"]


async def test_later_accounts_wait_for_approval(
    sandboxed_client: AsyncClient,
    sandbox_browser: AsyncClient,
    pinterest_sandbox: Sandbox,
    factory: Factory,
) -> None:
    await factory.user("admin", is_admin=True)
    pinterest_sandbox.add_user("newcomer")

    landed = await sign_in(sandboxed_client, sandbox_browser, "newcomer")

    assert landed.status_code == 302
    assert "pending approval" in (await sandboxed_client.get("/")).text
    refused = await sandboxed_client.post("/api-keys", json={"name": "x"})
    assert refused.status_code == 403


async def test_auto_approve_lets_later_accounts_in(
    sandboxed_settings: Settings,
    sandbox_app: FastAPI,
    sandbox_browser: AsyncClient,
    pinterest_sandbox: Sandbox,
    factory: Factory,
) -> None:
    await factory.user("admin", is_admin=True)
    pinterest_sandbox.add_user("newcomer")
    settings = sandboxed_with(sandboxed_settings, auto_approve=True)
    app = create_app(settings, migrate=False, pinterest_transport=ASGITransport(app=sandbox_app))
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver") as pinsmith,
    ):
        await sign_in(pinsmith, sandbox_browser, "newcomer")
        created = await pinsmith.post("/api-keys", json={"name": "x"})

    assert created.status_code == 201


async def test_a_taken_username_gets_a_suffix(
    sandboxed_client: AsyncClient, sandbox_browser: AsyncClient, rosa: Any, factory: Factory
) -> None:
    await factory.user("rosa_bakes")

    await sign_in(sandboxed_client, sandbox_browser, "rosa_bakes")

    home = await sandboxed_client.get("/")
    assert "Signed in as <strong>rosa_bakes_2</strong>" in home.text


async def test_signing_in_again_is_the_same_account_with_new_tokens(
    sandboxed_client: AsyncClient, sandbox_browser: AsyncClient, rosa: Any, database: Database
) -> None:
    await sign_in(sandboxed_client, sandbox_browser, "rosa_bakes")
    async with database.transaction(write=False) as session:
        first = (await session.execute(select(PinterestProfile))).scalar_one()
    sandboxed_client.cookies.clear()

    await sign_in(sandboxed_client, sandbox_browser, "rosa_bakes")

    async with database.transaction(write=False) as session:
        again = (await session.execute(select(PinterestProfile))).scalar_one()
    assert await count(database, User) == 1
    assert again.id == first.id
    assert again.access_token_encrypted != first.access_token_encrypted


async def test_connect_adds_a_further_profile_to_the_signed_in_user(
    sandboxed_client: AsyncClient,
    sandbox_browser: AsyncClient,
    rosa: Any,
    pinterest_sandbox: Sandbox,
    database: Database,
) -> None:
    pinterest_sandbox.add_user("rosa_travels")
    await sign_in(sandboxed_client, sandbox_browser, "rosa_bakes")

    landed = await sign_in(sandboxed_client, sandbox_browser, "rosa_travels", connect=True)

    assert landed.status_code == 302
    me = (await sandboxed_client.get("/auth/me")).json()
    assert me["username"] == "rosa_bakes"
    assert [p["username"] for p in me["profiles"]] == ["rosa_bakes", "rosa_travels"]
    assert await count(database, User) == 1


async def test_a_forged_state_is_refused_and_creates_no_account(
    sandboxed_client: AsyncClient, sandbox_browser: AsyncClient, rosa: Any, database: Database
) -> None:
    started = await sandboxed_client.get("/auth/login")
    back = await consent(sandbox_browser, started.headers["location"], "rosa_bakes", "allow")
    parts = urlsplit(back)
    query = parse_qs(parts.query)
    forged = f"{parts.path}?code={query['code'][0]}&state={query['state'][0][:-2]}xx"

    answer = await sandboxed_client.get(forged)

    assert answer.status_code == 400
    assert "invalid or has expired" in answer.text
    assert answer.headers["content-type"].startswith("text/html")
    assert await count(database, User) == 0
    assert COOKIE_NAME not in answer.cookies


async def test_a_replayed_state_is_refused(
    sandboxed_client: AsyncClient, sandbox_browser: AsyncClient, rosa: Any, database: Database
) -> None:
    started = await sandboxed_client.get("/auth/login")
    nonce_cookie = dict(sandboxed_client.cookies)
    back = await consent(sandbox_browser, started.headers["location"], "rosa_bakes", "allow")
    assert (await sandboxed_client.get(back)).status_code == 302
    sandboxed_client.cookies.clear()
    sandboxed_client.cookies.update(nonce_cookie)  # even with the original browser's cookie

    replayed = await sandboxed_client.get(back)

    assert replayed.status_code == 400
    assert "already used" in replayed.text
    assert COOKIE_NAME not in replayed.cookies


async def test_a_state_carried_to_another_browser_is_refused(
    sandboxed_client: AsyncClient, sandbox_browser: AsyncClient, rosa: Any, database: Database
) -> None:
    started = await sandboxed_client.get("/auth/login")
    back = await consent(sandbox_browser, started.headers["location"], "rosa_bakes", "allow")
    sandboxed_client.cookies.clear()

    answer = await sandboxed_client.get(back)

    assert answer.status_code == 400
    assert "another browser" in answer.text
    assert await count(database, User) == 0


async def test_an_expired_state_is_refused(
    sandboxed_client: AsyncClient,
    sandbox_browser: AsyncClient,
    rosa: Any,
    clock: Clock,
    database: Database,
) -> None:
    started = await sandboxed_client.get("/auth/login")
    back = await consent(sandbox_browser, started.headers["location"], "rosa_bakes", "allow")
    clock.advance(minutes=11)

    answer = await sandboxed_client.get(back)

    assert answer.status_code == 400
    assert await count(database, User) == 0


async def test_deny_on_the_consent_page_is_a_readable_page(
    sandboxed_client: AsyncClient, sandbox_browser: AsyncClient, rosa: Any, database: Database
) -> None:
    started = await sandboxed_client.get("/auth/login")
    back = await consent(sandbox_browser, started.headers["location"], "rosa_bakes", "deny")
    assert "error=access_denied" in back

    answer = await sandboxed_client.get(back)

    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/html")
    assert "Pinterest did not grant access (access_denied)" in answer.text
    assert await count(database, User) == 0


async def test_a_refused_code_is_a_readable_page(
    sandboxed_client: AsyncClient, sandbox_browser: AsyncClient, rosa: Any, database: Database
) -> None:
    started = await sandboxed_client.get("/auth/login")
    back = await consent(sandbox_browser, started.headers["location"], "rosa_bakes", "allow")
    parts = urlsplit(back)
    state = parse_qs(parts.query)["state"][0]

    answer = await sandboxed_client.get(parts.path, params={"code": "not-a-code", "state": state})

    assert answer.status_code == 400
    assert "Pinterest refused the request" in answer.text
    assert await count(database, User) == 0


async def test_pinterest_unreachable_is_a_502_page(
    sandboxed_settings: Settings, sandbox_app: FastAPI, sandbox_browser: AsyncClient, rosa: Any
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    app = create_app(
        sandboxed_settings, migrate=False, pinterest_transport=httpx.MockTransport(refuse)
    )
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver") as pinsmith,
    ):
        started = await pinsmith.get("/auth/login")
        back = await consent(sandbox_browser, started.headers["location"], "rosa_bakes", "allow")
        answer = await pinsmith.get(back)

    assert answer.status_code == 502
    assert "Pinterest is unreachable at http://sandbox.test/v5" in answer.text


async def test_login_without_a_pinterest_app_says_how_to_set_one_up(
    client: AsyncClient, database: Database
) -> None:
    answer = await client.get("/auth/login")

    assert answer.status_code == 503
    assert "PINSMITH_PINTEREST_CLIENT_ID" in answer.text
    assert await count(database, OAuthState) == 0


async def test_signing_in_again_repairs_a_profile_that_needs_reconnecting(
    sandboxed_client: AsyncClient, sandbox_browser: AsyncClient, rosa: Any, database: Database
) -> None:
    from pinsmith.profiles.tokens import mark_needs_reconnect

    await sign_in(sandboxed_client, sandbox_browser, "rosa_bakes")
    async with database.transaction(write=False) as session:
        profile = (await session.execute(select(PinterestProfile))).scalar_one()
    await mark_needs_reconnect(database, profile.id, "The refresh token was revoked.")

    await sign_in(sandboxed_client, sandbox_browser, "rosa_bakes", connect=True)

    listed = (await sandboxed_client.get("/profiles")).json()
    assert [(p["status"], p["status_reason"]) for p in listed] == [("active", None)]
    assert (await sandboxed_client.get("/boards")).status_code == 200
