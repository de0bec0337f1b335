"""Bearer authentication and scopes on every /v5 route."""

from __future__ import annotations

import pytest

from pinsmith.sandbox import Sandbox
from tests.conftest import Clock
from tests.sandbox.conformance import PinterestApi, error_of
from tests.sandbox.conftest import CLIENT_ID, Account, account

AUTH_FAILED = (401, 2, "Authentication failed.")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer pina_not-a-token"},
        {"Authorization": "Basic YTpi"},
        {"Authorization": "Bearer "},
    ],
    ids=["missing", "unknown", "wrong-scheme", "empty"],
)
async def test_no_valid_token_fails_authentication(
    api: PinterestApi, headers: dict[str, str]
) -> None:
    # openapi-core cannot check Pinterest's OAuth scheme, so these requests are not judged by it.
    response = await api.get("/v5/boards", headers=headers, request="unchecked")

    assert error_of(response) == AUTH_FAILED


async def test_an_expired_access_token_answers_code_1104(
    api: PinterestApi, alice: Account, clock: Clock
) -> None:
    clock.advance(days=30)

    response = await api.get("/v5/user_account", headers=alice.headers)

    status, code, message = error_of(response)
    assert (status, code) == (401, 1104)
    assert "expired" in message


async def test_a_token_is_good_until_its_expiry(
    api: PinterestApi, alice: Account, clock: Clock
) -> None:
    clock.advance(days=30, seconds=-1)

    response = await api.get("/v5/user_account", headers=alice.headers)

    assert response.status_code == 200


async def test_tokens_of_a_removed_app_stop_working(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    sandbox.remove_client(CLIENT_ID)

    response = await api.get("/v5/user_account", headers=alice.headers)

    assert error_of(response) == AUTH_FAILED


async def test_a_token_without_the_scope_is_forbidden(api: PinterestApi, sandbox: Sandbox) -> None:
    reader = account(sandbox, "reader", ("boards:read", "pins:read"))

    listed = await api.get("/v5/boards", headers=reader.headers)
    created = await api.post("/v5/boards", headers=reader.headers, json={"name": "Nope"})
    account_info = await api.get("/v5/user_account", headers=reader.headers)

    assert listed.status_code == 200
    status, code, message = error_of(created)
    assert (status, code) == (403, 3)
    assert "boards:write" in message
    assert error_of(account_info)[:2] == (403, 3)
    assert sandbox.boards_of(reader.user.id) == []


async def test_authentication_comes_before_validation(api: PinterestApi) -> None:
    # A bad body from a caller without a token is refused as unauthenticated, not as invalid.
    response = await api.post("/v5/pins", json={"title": "x" * 101}, request="invalid")

    assert error_of(response) == AUTH_FAILED
