"""Writes are sent once. The only replay: after a 401 for an expired token, once, refreshed."""

from __future__ import annotations

import httpx
import pytest

from pinsmith.pinterest import (
    ImageUrl,
    PinterestClient,
    PinterestTimeout,
    RateLimited,
    ReconnectRequired,
    ServerError,
    TokenExpired,
)
from tests.pinterest.conftest import RecordingStore
from tests.pinterest.fake import Answer, FakePinterest, board, error, no_content, ok, pin

TOKEN_PATH = "/v5/oauth/token"
EXPIRED = error(401, 2, "Authentication failed.")
IMAGE = ImageUrl("https://example.com/soup.jpg")


async def create_pin(client: PinterestClient) -> object:
    return await client.create_pin("1001", media_source=IMAGE, title="Soup")


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("no answer"),
        httpx.WriteTimeout("stalled"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset"),
    ],
)
async def test_a_pin_whose_answer_is_lost_is_sent_once_and_raises(
    client: PinterestClient, fake: FakePinterest, failure: Exception
) -> None:
    fake.route("POST", "/v5/pins", failure, ok(pin("8001"), status=201))

    with pytest.raises(PinterestTimeout) as raised:
        await create_pin(client)

    assert raised.value.reached_pinterest is True  # outcome unknown: the caller reconciles
    assert fake.count("POST", "/v5/pins") == 1


@pytest.mark.parametrize("failure", [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow")])
async def test_a_pin_that_never_left_is_sent_once_and_says_so(
    client: PinterestClient, fake: FakePinterest, failure: Exception
) -> None:
    fake.route("POST", "/v5/pins", failure, ok(pin("8001"), status=201))

    with pytest.raises(PinterestTimeout) as raised:
        await create_pin(client)

    assert raised.value.reached_pinterest is False
    assert fake.count("POST", "/v5/pins") == 1


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_a_pin_answered_with_a_5xx_is_sent_once_and_raises(
    client: PinterestClient, fake: FakePinterest, status: int
) -> None:
    fake.route("POST", "/v5/pins", error(status, status, "Oops."), ok(pin("8001"), status=201))

    with pytest.raises(ServerError):
        await create_pin(client)

    assert fake.count("POST", "/v5/pins") == 1


async def test_a_rate_limited_pin_is_sent_once_and_raises_with_the_reset(
    client: PinterestClient, fake: FakePinterest
) -> None:
    limited = error(429, 8, "Rate limit exceeded.", **{"x-ratelimit-reset": "20"})
    fake.route("POST", "/v5/pins", limited, ok(pin("8001"), status=201))

    with pytest.raises(RateLimited) as raised:
        await create_pin(client)

    assert raised.value.reset_at is not None
    assert fake.count("POST", "/v5/pins") == 1


@pytest.mark.parametrize(
    ("method", "path", "call"),
    [
        ("POST", "/v5/boards", lambda c: c.create_board("Soups")),
        ("PATCH", "/v5/boards/1001", lambda c: c.update_board("1001", name="Stews")),
        ("DELETE", "/v5/boards/1001", lambda c: c.delete_board("1001")),
        ("POST", "/v5/boards/1001/sections", lambda c: c.create_section("1001", "Salads")),
        ("PATCH", "/v5/pins/8001", lambda c: c.update_pin("8001", title="Soup")),
        ("DELETE", "/v5/pins/8001", lambda c: c.delete_pin("8001")),
        ("POST", "/v5/media", lambda c: c.register_video()),
        ("POST", "/v5/user_account/following/chef", lambda c: c.follow_user("chef")),
    ],
)
async def test_no_write_is_retried(
    client: PinterestClient, fake: FakePinterest, method: str, path: str, call: object
) -> None:
    fake.route(method, path, httpx.ReadTimeout("no answer"), Answer(200, {}, conformant=False))

    with pytest.raises(PinterestTimeout):
        await call(client)  # type: ignore[operator]

    assert fake.count(method, path) == 1


async def test_a_pin_refused_for_an_expired_token_is_replayed_once_after_a_refresh(
    client: PinterestClient, fake: FakePinterest, store: RecordingStore
) -> None:
    fake.route("POST", "/v5/pins", EXPIRED, ok(pin("8001"), status=201))

    created = await create_pin(client)

    assert created.id == "8001"  # type: ignore[attr-defined]
    assert fake.bearer_tokens("POST", "/v5/pins") == ["pina.initial", "pina.issued1"]
    sent = fake.sent("POST", "/v5/pins")
    assert sent[0].content == sent[1].content
    assert fake.count("POST", TOKEN_PATH) == 1
    assert store.tokens.refresh_token == "pinr.issued1"


async def test_the_replay_happens_only_once(client: PinterestClient, fake: FakePinterest) -> None:
    fake.route("POST", "/v5/pins", EXPIRED)

    with pytest.raises(TokenExpired):
        await create_pin(client)

    assert fake.count("POST", "/v5/pins") == 2
    assert fake.count("POST", TOKEN_PATH) == 1


async def test_a_replayed_pin_that_times_out_is_not_sent_a_third_time(
    client: PinterestClient, fake: FakePinterest
) -> None:
    fake.route("POST", "/v5/pins", EXPIRED, httpx.ReadTimeout("no answer"), ok(pin("1"), 201))

    with pytest.raises(PinterestTimeout):
        await create_pin(client)

    assert fake.count("POST", "/v5/pins") == 2


async def test_no_replay_when_the_refresh_is_refused(
    client: PinterestClient, fake: FakePinterest, store: RecordingStore
) -> None:
    fake.token_endpoint.refusal = error(400, 1, "Invalid refresh token.")
    fake.route("POST", "/v5/pins", EXPIRED, ok(pin("8001"), status=201))

    with pytest.raises(ReconnectRequired, match="Invalid refresh token"):
        await create_pin(client)

    assert fake.count("POST", "/v5/pins") == 1
    assert store.saved == []


async def test_other_writes_are_replayed_after_a_refresh_too(
    client: PinterestClient, fake: FakePinterest
) -> None:
    fake.route("DELETE", "/v5/boards/1001", EXPIRED, no_content())
    fake.route("POST", "/v5/boards", EXPIRED, ok(board("1002"), status=201))

    await client.delete_board("1001")
    await client.create_board("Recipes")

    assert fake.bearer_tokens("DELETE", "/v5/boards/1001") == ["pina.initial", "pina.issued1"]
    assert fake.bearer_tokens("POST", "/v5/boards") == ["pina.issued1", "pina.issued2"]
