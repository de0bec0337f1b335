"""OAuth: the authorize URL, the code exchange and the refresh, as Pinterest documents them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, parse_qsl, urlsplit

import httpx
import pytest

from pinsmith.pinterest import (
    DEFAULT_SCOPES,
    BadRequest,
    PinterestOAuth,
    PinterestTimeout,
    ReconnectRequired,
    ServerError,
    authorize_url,
)
from tests.conftest import Clock
from tests.pinterest.conftest import APP, NOW
from tests.pinterest.fake import Answer, FakePinterest, error, ok

TOKEN_PATH = "/v5/oauth/token"


@pytest.fixture
async def oauth(fake: FakePinterest, fixed_clock: Clock) -> AsyncIterator[PinterestOAuth]:
    async with httpx.AsyncClient(transport=fake.transport) as http:
        yield PinterestOAuth(APP, http=http, clock=fixed_clock)


def test_authorize_url_has_pinterests_parameters() -> None:
    url = authorize_url("1480000", "https://pins.example.com/auth/callback", "st4te")

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.pinterest.com/oauth/"
    assert parse_qs(parts.query, strict_parsing=True) == {
        "response_type": ["code"],
        "client_id": ["1480000"],
        "redirect_uri": ["https://pins.example.com/auth/callback"],
        "scope": [
            "boards:read,boards:write,boards:read_secret,boards:write_secret,"
            "pins:read,pins:write,pins:read_secret,pins:write_secret,user_accounts:read"
        ],
        "state": ["st4te"],
    }


def test_authorize_url_with_other_scopes_and_host() -> None:
    url = authorize_url(
        "1480000",
        "http://127.0.0.1:8000/cb?next=/boards",
        "s",
        ["boards:read", "pins:read"],
        oauth_url="http://127.0.0.1:9000/oauth/",
    )

    assert url.startswith("http://127.0.0.1:9000/oauth/?")
    query = dict(parse_qsl(urlsplit(url).query))
    assert query["scope"] == "boards:read,pins:read"
    assert query["redirect_uri"] == "http://127.0.0.1:8000/cb?next=/boards"


def test_authorize_url_needs_a_state() -> None:
    with pytest.raises(ValueError, match="state"):
        authorize_url("1480000", "https://pins.example.com/cb", "")


def test_authorize_url_needs_a_scope() -> None:
    with pytest.raises(ValueError, match="scope"):
        authorize_url("1480000", "https://pins.example.com/cb", "s", [])


def test_the_app_builds_its_authorize_url(oauth: PinterestOAuth) -> None:
    assert oauth.authorize_url("https://pins.example.com/cb", "s") == authorize_url(
        APP.client_id, "https://pins.example.com/cb", "s"
    )


async def test_exchange_code(oauth: PinterestOAuth, fake: FakePinterest) -> None:
    tokens = await oauth.exchange_code("code-from-redirect", "https://pins.example.com/cb")

    assert tokens.access_token == "pina.issued1"
    assert tokens.refresh_token == "pinr.issued1"
    assert tokens.expires_at == NOW + timedelta(seconds=2_592_000)
    assert tokens.refresh_token_expires_at == NOW + timedelta(seconds=5_184_000)
    assert tokens.scopes == (
        "boards:read",
        "boards:write",
        "pins:read",
        "pins:write",
        "user_accounts:read",
    )
    (request,) = fake.sent("POST", TOKEN_PATH)
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert dict(parse_qsl(request.content.decode())) == {
        "grant_type": "authorization_code",
        "code": "code-from-redirect",
        "redirect_uri": "https://pins.example.com/cb",
        "continuous_refresh": "true",
    }


async def test_exchange_code_refused(oauth: PinterestOAuth, fake: FakePinterest) -> None:
    fake.token_endpoint.refusal = error(400, 1, "Invalid authorization code.")

    with pytest.raises(BadRequest, match="Invalid authorization code"):
        await oauth.exchange_code("used-code", "https://pins.example.com/cb")


async def test_refresh_returns_the_new_refresh_token(
    oauth: PinterestOAuth, fake: FakePinterest
) -> None:
    tokens = await oauth.refresh("pinr.initial")

    assert (tokens.access_token, tokens.refresh_token) == ("pina.issued1", "pinr.issued1")
    (request,) = fake.sent("POST", TOKEN_PATH)
    assert dict(parse_qsl(request.content.decode())) == {
        "grant_type": "refresh_token",
        "refresh_token": "pinr.initial",
        "continuous_refresh": "true",
    }


async def test_refresh_without_a_new_refresh_token_keeps_the_old_one(
    oauth: PinterestOAuth, fake: FakePinterest
) -> None:
    """Off-spec (the spec requires one), but losing the only refresh token would be worse."""
    fake.route(
        "POST",
        TOKEN_PATH,
        ok({"access_token": "pina.2", "token_type": "bearer", "expires_in": 60, "scope": ""}),
    )

    tokens = await oauth.refresh("pinr.initial")

    assert (tokens.access_token, tokens.refresh_token) == ("pina.2", "pinr.initial")
    assert tokens.refresh_token_expires_at is None
    assert tokens.scopes == ()


async def test_refresh_token_expiry_from_the_epoch_when_no_duration_is_given(
    oauth: PinterestOAuth, fake: FakePinterest
) -> None:
    fake.route(
        "POST",
        TOKEN_PATH,
        ok(
            {
                "access_token": "pina.2",
                "token_type": "bearer",
                "expires_in": 60,
                "scope": "pins:read",
                "refresh_token": "pinr.2",
                "refresh_token_expires_at": 1_900_000_000,
            },
        ),
    )

    tokens = await oauth.exchange_code("code", "https://pins.example.com/cb")

    assert tokens.refresh_token_expires_at == datetime.fromtimestamp(1_900_000_000, UTC)


@pytest.mark.parametrize(
    "refusal",
    [
        error(400, 1, "Invalid refresh token."),
        error(401, 2, "Authentication failed."),
        error(403, 29, "You are not permitted to access that resource."),
    ],
)
async def test_a_refused_refresh_means_reconnect(
    oauth: PinterestOAuth, fake: FakePinterest, refusal: Answer
) -> None:
    fake.token_endpoint.refusal = refusal

    with pytest.raises(ReconnectRequired) as raised:
        await oauth.refresh("pinr.initial")

    assert raised.value.message == refusal.body["message"]
    assert (raised.value.status, raised.value.code) == (refusal.status, refusal.body["code"])


async def test_a_failed_refresh_is_not_a_refusal(
    oauth: PinterestOAuth, fake: FakePinterest
) -> None:
    fake.token_endpoint.refusal = error(503, 4197, "Endpoint ramped down.")

    with pytest.raises(ServerError):
        await oauth.refresh("pinr.initial")
    assert fake.count("POST", TOKEN_PATH) == 1


async def test_an_unanswered_refresh_is_not_a_refusal_nor_retried(
    oauth: PinterestOAuth, fake: FakePinterest
) -> None:
    fake.route("POST", TOKEN_PATH, httpx.ReadTimeout("slow"))

    with pytest.raises(PinterestTimeout):
        await oauth.refresh("pinr.initial")
    assert fake.count("POST", TOKEN_PATH) == 1


async def test_an_app_without_a_given_http_client_owns_and_closes_its_own() -> None:
    async with PinterestOAuth(APP, api_url="http://127.0.0.1:9/v5") as oauth:
        assert oauth.api_url == "http://127.0.0.1:9/v5"
        assert oauth.authorize_url("https://x.example/cb", "s").startswith(
            "https://www.pinterest.com/oauth/?"
        )
    assert oauth._http.is_closed


def test_default_scopes_cover_boards_pins_and_the_account() -> None:
    assert set(DEFAULT_SCOPES) == {
        "boards:read",
        "boards:write",
        "boards:read_secret",
        "boards:write_secret",
        "pins:read",
        "pins:write",
        "pins:read_secret",
        "pins:write_secret",
        "user_accounts:read",
    }
