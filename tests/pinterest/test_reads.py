"""Reads are retried (bounded, with backoff) on timeouts, dropped connections, 5xx and 429."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from pinsmith.pinterest import (
    BoardNotFound,
    PinterestClient,
    PinterestTimeout,
    RateLimited,
    RetryPolicy,
    ServerError,
)
from pinsmith.pinterest.errors import PinterestError
from tests.pinterest.conftest import NOW
from tests.pinterest.fake import Answer, FakePinterest, board, error, ok

BOARD = ok(board("1001"))
PATH = "/v5/boards/1001"


@pytest.mark.parametrize(
    "failure",
    [
        error(500, 500, "Internal error."),
        error(503, 4197, "Endpoint ramped down."),
        Answer(502, b"<html><body>Bad gateway</body></html>", content_type="text/html"),
        httpx.ReadTimeout("no answer"),
        httpx.ConnectError("refused"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
    ],
)
async def test_a_read_is_retried_until_it_succeeds(
    client: PinterestClient, fake: FakePinterest, failure: Answer | Exception
) -> None:
    if isinstance(failure, Answer) and failure.content_type != "application/json":
        failure.conformant = False  # a gateway's page, not Pinterest's
    fake.route("GET", PATH, failure, failure, BOARD)

    found = await client.get_board("1001")

    assert found.id == "1001"
    assert fake.count("GET", PATH) == 3


async def test_retries_are_bounded(client: PinterestClient, fake: FakePinterest) -> None:
    fake.route("GET", PATH, error(500, 500, "Internal error."))

    with pytest.raises(ServerError):
        await client.get_board("1001")

    assert fake.count("GET", PATH) == RetryPolicy().attempts


async def test_timeouts_exhausting_the_attempts_raise_a_timeout(
    client: PinterestClient, fake: FakePinterest
) -> None:
    fake.route("GET", PATH, httpx.ReadTimeout("no answer"))

    with pytest.raises(PinterestTimeout):
        await client.get_board("1001")

    assert fake.count("GET", PATH) == 4


async def test_a_page_is_retried_alone(client: PinterestClient, fake: FakePinterest) -> None:
    replies = iter(
        [
            ok({"items": [board("1")], "bookmark": "p2"}),
            error(500, 500, "Internal error."),
            ok({"items": [board("2")], "bookmark": None}),
        ]
    )
    fake.route("GET", "/v5/boards", lambda _request: next(replies))

    assert [b.id for b in await client.list_boards()] == ["1", "2"]
    assert [r.url.params.get("bookmark") for r in fake.sent("GET", "/v5/boards")] == [
        None,
        "p2",
        "p2",
    ]


async def test_a_rate_limited_read_waits_for_a_near_reset_then_succeeds(
    client: PinterestClient, fake: FakePinterest
) -> None:
    limited = error(429, 8, "Rate limit exceeded.", **{"x-ratelimit-reset": "2"})
    fake.route("GET", PATH, limited, BOARD)

    await client.get_board("1001")

    assert fake.count("GET", PATH) == 2


async def test_a_rate_limited_read_with_a_far_reset_is_left_to_the_caller(
    client: PinterestClient, fake: FakePinterest
) -> None:
    limited = error(429, 8, "Rate limit exceeded.", **{"x-ratelimit-reset": "3600"})
    fake.route("GET", PATH, limited, BOARD)

    with pytest.raises(RateLimited) as raised:
        await client.get_board("1001")

    assert raised.value.reset_at == NOW + timedelta(hours=1)
    assert fake.count("GET", PATH) == 1


async def test_a_spam_block_is_not_retried(client: PinterestClient, fake: FakePinterest) -> None:
    blocked = error(429, 8, "Your request was blocked because it looks like spam.")
    fake.route("GET", PATH, blocked, BOARD)

    with pytest.raises(RateLimited) as raised:
        await client.get_board("1001")

    assert raised.value.is_spam_block
    assert fake.count("GET", PATH) == 1


@pytest.mark.parametrize(
    "refusal",
    [
        error(400, 1, "Invalid parameters."),
        error(403, 29, "You are not permitted to access that resource."),
        error(404, 40, "Board not found."),
    ],
)
async def test_a_refused_read_is_not_retried(
    client: PinterestClient, fake: FakePinterest, refusal: Answer
) -> None:
    fake.route("GET", PATH, refusal, BOARD)

    with pytest.raises(PinterestError):
        await client.get_board("1001")

    assert fake.count("GET", PATH) == 1


async def test_the_error_of_the_last_attempt_is_raised(
    client: PinterestClient, fake: FakePinterest
) -> None:
    fake.route("GET", PATH, error(500, 500, "Internal error."), error(404, 40, "Board not found."))

    with pytest.raises(BoardNotFound):
        await client.get_board("1001")

    assert fake.count("GET", PATH) == 2


class TestBackoff:
    """The policy's answer to stamina: give up, back off exponentially, or wait for the reset."""

    policy = RetryPolicy(max_rate_limit_wait=60)

    def backoff(self, error: Exception) -> bool | timedelta:
        return self.policy.backoff(error, now=lambda: NOW)

    def test_waits_until_a_near_reset(self) -> None:
        limited = RateLimited("slow down", reset_at=NOW + timedelta(seconds=30))
        assert self.backoff(limited) == timedelta(seconds=30)

    def test_a_reset_in_the_past_waits_nothing(self) -> None:
        limited = RateLimited("slow down", reset_at=NOW - timedelta(seconds=5))
        assert self.backoff(limited) == timedelta(0)

    def test_gives_up_when_the_reset_is_further_than_the_cap(self) -> None:
        limited = RateLimited("slow down", reset_at=NOW + timedelta(seconds=61))
        assert self.backoff(limited) is False

    def test_backs_off_exponentially_without_a_reset(self) -> None:
        assert self.backoff(RateLimited("slow down")) is True

    def test_never_retries_a_spam_block(self) -> None:
        blocked = RateLimited("spam", reset_at=NOW + timedelta(seconds=1), is_spam_block=True)
        assert self.backoff(blocked) is False

    def test_retries_failures_and_lost_answers_only(self) -> None:
        assert self.backoff(ServerError("oops", status=500)) is True
        assert self.backoff(PinterestTimeout("lost", reached_pinterest=True)) is True
        assert self.backoff(BoardNotFound("gone", status=404, code=40)) is False
        assert self.backoff(ValueError("a bug")) is False
