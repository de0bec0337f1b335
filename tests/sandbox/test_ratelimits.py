"""Rate limits per category, per user per app, on the sandbox clock, with Pinterest's headers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from pinsmith.sandbox import Sandbox, SandboxConfig, create_sandbox_app
from tests.conftest import Clock
from tests.sandbox.conformance import PinterestApi, error_of, form
from tests.sandbox.conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    Account,
    Sleeper,
    account,
    client_for,
    make_config,
)

LIMITS = {"org_read": 5, "org_write": 3, "org_analytics": 2}


@pytest.fixture
def config(clock: Clock, sleeper: Sleeper) -> SandboxConfig:
    return make_config(clock, sleeper, rate_limits=LIMITS)


def limits_of(response: Any) -> tuple[int, int, int]:
    headers = response.headers
    return (
        int(headers["x-ratelimit-limit"]),
        int(headers["x-ratelimit-remaining"]),
        int(headers["x-ratelimit-reset"]),
    )


async def create_board(api: PinterestApi, account: Account, name: str = "Board") -> Any:
    return await api.post("/v5/boards", headers=account.headers, json={"name": name})


async def test_every_counted_response_carries_the_headers(
    api: PinterestApi, alice: Account
) -> None:
    read = await api.get("/v5/boards", headers=alice.headers)
    write = await create_board(api, alice)
    missing = await api.get(f"/v5/boards/{write.json()['id']}0", headers=alice.headers)

    assert limits_of(read) == (5, 4, 60)
    assert limits_of(write) == (3, 2, 60)
    assert missing.status_code == 404
    assert limits_of(missing) == (5, 3, 60)


async def test_over_the_limit_is_429_code_8_until_the_window_resets(
    api: PinterestApi, sandbox: Sandbox, alice: Account, clock: Clock
) -> None:
    for n in range(3):
        await create_board(api, alice, f"Board {n}")
    clock.advance(seconds=20)

    refused = await create_board(api, alice, "One too many")

    status, code, message = error_of(refused)
    assert (status, code) == (429, 8)
    assert "rate limited" in message
    assert limits_of(refused) == (3, 0, 40)
    assert len(sandbox.boards_of(alice.user.id)) == 3
    clock.advance(seconds=39)
    assert limits_of(await create_board(api, alice, "Still early"))[:2] == (3, 0)
    clock.advance(seconds=1)
    allowed = await create_board(api, alice, "Next window")
    assert allowed.status_code == 201
    assert limits_of(allowed) == (3, 2, 60)


async def test_quotas_are_per_category_and_per_user_per_app(
    api: PinterestApi, sandbox: Sandbox, alice: Account, bob: Account
) -> None:
    for n in range(3):
        await create_board(api, alice, f"Board {n}")
    sandbox.add_client("second-app", "secret-2", [])
    alice_elsewhere = sandbox.issue_tokens(alice.user.id, "second-app")

    assert (await create_board(api, alice)).status_code == 429
    assert (await api.get("/v5/boards", headers=alice.headers)).status_code == 200
    assert (await create_board(api, bob)).status_code == 201
    assert (
        await api.post("/v5/boards", headers=alice_elsewhere.headers, json={"name": "B"})
    ).status_code == 201


async def test_analytics_have_their_own_small_quota(api: PinterestApi, alice: Account) -> None:
    params = {"start_date": "2026-04-01", "end_date": "2026-04-02"}
    answers = [
        await api.get("/v5/user_account/analytics", headers=alice.headers, params=params)
        for _ in range(3)
    ]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert limits_of(answers[-1])[:2] == (2, 0)


async def test_the_token_endpoint_counts_per_app(api: PinterestApi, alice: Account) -> None:
    refresh_token = alice.tokens.refresh_token
    for _ in range(5):
        response = await api.post(
            "/v5/oauth/token",
            auth=(CLIENT_ID, CLIENT_SECRET),
            **form(grant_type="refresh_token", refresh_token=refresh_token),
        )
        refresh_token = response.json()["refresh_token"]

    refused = await api.post(
        "/v5/oauth/token",
        auth=(CLIENT_ID, CLIENT_SECRET),
        **form(grant_type="refresh_token", refresh_token=refresh_token),
    )

    assert error_of(refused)[:2] == (429, 8)
    assert limits_of(refused)[:2] == (5, 0)


@pytest.fixture
async def default_api(
    clock: Clock, sleeper: Sleeper, pinterest_openapi: Any
) -> AsyncIterator[tuple[PinterestApi, Account]]:
    app = create_sandbox_app(make_config(clock, sleeper))
    async with client_for(app, pinterest_openapi) as api:
        yield api, account(app.state.sandbox, "alice")


async def test_the_defaults_are_pinterests_published_limits(
    default_api: tuple[PinterestApi, Account],
) -> None:
    api, alice = default_api

    read = await api.get("/v5/boards", headers=alice.headers)
    write = await create_board(api, alice)
    analytics = await api.get(
        "/v5/user_account/analytics",
        headers=alice.headers,
        params={"start_date": "2026-04-01", "end_date": "2026-04-02"},
    )

    assert limits_of(read)[0] == 1000
    assert limits_of(write)[0] == 100
    assert limits_of(analytics)[0] == 60
