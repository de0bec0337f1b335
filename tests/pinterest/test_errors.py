"""Each HTTP status and Pinterest code becomes its typed error, with Pinterest's words."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from pinsmith.pinterest import (
    BadRequest,
    BoardNotFound,
    Conflict,
    NotFound,
    NotPermitted,
    PinNotFound,
    PinterestClient,
    PinterestError,
    PinterestTimeout,
    RateLimited,
    ReconnectRequired,
    SectionNotFound,
    ServerError,
    TokenExpired,
    Unauthorized,
    UnexpectedResponse,
    UserNotFound,
)
from pinsmith.pinterest.errors import error_from_response, parse_reset_at
from tests.pinterest.conftest import NOW
from tests.pinterest.fake import Answer, FakePinterest, error

ERRORS = [
    (400, 1, "Invalid parameters.", BadRequest),
    (401, 3, "Token lacks required scopes.", Unauthorized),
    (403, 29, "You are not permitted to access that resource.", NotPermitted),
    (403, 7, "Not authorized to access board or Pin.", NotPermitted),
    (404, 404, "Board not found.", NotFound),
    (404, 40, "Board not found.", BoardNotFound),
    (404, 50, "Pin not found.", PinNotFound),
    (404, 2031, "Sorry! We couldn't find this board section.", SectionNotFound),
    (404, 30, "User not found.", UserNotFound),
    (429, 8, "Rate limit exceeded.", RateLimited),
]


@pytest.mark.parametrize(("status", "code", "message", "expected"), ERRORS)
async def test_a_refusal_becomes_its_typed_error(
    client: PinterestClient,
    fake: FakePinterest,
    status: int,
    code: int,
    message: str,
    expected: type[PinterestError],
) -> None:
    fake.route("DELETE", "/v5/pins/8001", error(status, code, message, **{"x-pinterest-rid": "r1"}))

    with pytest.raises(expected) as raised:
        await client.delete_pin("8001")

    assert type(raised.value) is expected
    assert (raised.value.status, raised.value.code, raised.value.message) == (status, code, message)
    assert raised.value.request_id == "r1"
    assert str(raised.value) == f"{message} (HTTP {status}, Pinterest code {code})"


@pytest.mark.parametrize("code", [2, 1104])
async def test_an_expired_token_is_token_expired(
    client: PinterestClient, fake: FakePinterest, code: int
) -> None:
    fake.route("DELETE", "/v5/pins/8001", error(401, code, "Authentication failed."))

    with pytest.raises(TokenExpired) as raised:
        await client.delete_pin("8001")  # refreshed and replayed once, refused again

    assert isinstance(raised.value, Unauthorized)
    assert (raised.value.status, raised.value.code) == (401, code)


@pytest.mark.parametrize(
    ("status", "expected"), [(500, ServerError), (503, ServerError), (409, Conflict)]
)
async def test_5xx_and_409_become_their_typed_errors(
    client: PinterestClient, fake: FakePinterest, status: int, expected: type[PinterestError]
) -> None:
    fake.route(
        "POST",
        "/v5/boards/1001/sections",
        error(status, status, "Could not get exclusive access to the board."),
    )

    with pytest.raises(expected):
        await client.create_section("1001", "Salads")


async def test_a_body_that_is_not_pinterests_still_gives_a_readable_typed_error(
    client: PinterestClient, fake: FakePinterest
) -> None:
    page = b"<html><head><title>502</title></head><body><h1>Bad   Gateway</h1></body></html>"
    fake.route(
        "DELETE", "/v5/pins/8001", Answer(502, page, content_type="text/html", conformant=False)
    )

    with pytest.raises(ServerError) as raised:
        await client.delete_pin("8001")

    assert raised.value.message == "Pinterest answered HTTP 502 Bad Gateway: 502 Bad Gateway"
    assert raised.value.code is None


def response(status: int, content: bytes = b"", **headers: str) -> httpx.Response:
    request = httpx.Request("GET", "https://api.pinterest.com/v5/boards")
    return httpx.Response(status, content=content, headers=headers, request=request)


def test_an_empty_body_names_the_status() -> None:
    found = error_from_response(response(404), now=NOW)

    assert isinstance(found, NotFound)
    assert found.message == "Pinterest answered HTTP 404 Not Found"


def test_json_without_a_message_keeps_the_code() -> None:
    found = error_from_response(response(400, b'{"code": 1, "detail": "x"}'), now=NOW)

    assert isinstance(found, BadRequest)
    assert (found.code, found.message) == (
        1,
        'Pinterest answered HTTP 400 Bad Request: {"code": 1, "detail": "x"}',
    )


def test_an_unknown_4xx_is_a_plain_pinterest_error() -> None:
    found = error_from_response(response(418, b'{"code": 418, "message": "Teapot."}'), now=NOW)

    assert type(found) is PinterestError
    assert found.message == "Teapot."


def test_every_error_is_a_pinterest_error() -> None:
    for cls in (
        BadRequest,
        Unauthorized,
        TokenExpired,
        ReconnectRequired,
        NotPermitted,
        NotFound,
        Conflict,
        RateLimited,
        ServerError,
        UnexpectedResponse,
    ):
        assert issubclass(cls, PinterestError)
    assert issubclass(PinterestTimeout, PinterestError)
    assert str(PinterestTimeout("No answer", reached_pinterest=True)) == "No answer"


class TestRateLimitReset:
    def test_x_ratelimit_reset_in_seconds(self) -> None:
        assert parse_reset_at({"x-ratelimit-reset": "42"}, now=NOW) == NOW + timedelta(seconds=42)

    def test_x_ratelimit_reset_as_an_epoch(self) -> None:
        epoch = int((NOW + timedelta(minutes=3)).timestamp())
        assert parse_reset_at({"x-ratelimit-reset": str(epoch)}, now=NOW) == NOW + timedelta(
            minutes=3
        )

    def test_retry_after_in_seconds(self) -> None:
        assert parse_reset_at({"retry-after": "7"}, now=NOW) == NOW + timedelta(seconds=7)

    def test_retry_after_as_an_http_date(self) -> None:
        assert parse_reset_at(
            {"retry-after": "Fri, 01 May 2026 12:05:00 GMT"}, now=NOW
        ) == datetime(2026, 5, 1, 12, 5, tzinfo=UTC)

    def test_x_ratelimit_reset_wins_over_retry_after(self) -> None:
        headers = {"x-ratelimit-reset": "10", "retry-after": "99"}
        assert parse_reset_at(headers, now=NOW) == NOW + timedelta(seconds=10)

    @pytest.mark.parametrize(
        "headers",
        [{}, {"x-ratelimit-reset": "soon"}, {"retry-after": "later"}, {"x-ratelimit-reset": "nan"}],
    )
    def test_unreadable_or_missing_means_unknown(self, headers: dict[str, str]) -> None:
        assert parse_reset_at(headers, now=NOW) is None

    def test_a_negative_wait_means_now(self) -> None:
        assert parse_reset_at({"x-ratelimit-reset": "-3"}, now=NOW) == NOW


@pytest.mark.parametrize(
    ("headers", "reset_at"),
    [
        ({"x-ratelimit-reset": "30"}, NOW + timedelta(seconds=30)),
        ({"x-ratelimit-reset": str(int(NOW.timestamp()) + 90)}, NOW + timedelta(seconds=90)),
        ({"Retry-After": "15"}, NOW + timedelta(seconds=15)),
    ],
)
async def test_a_429_carries_its_reset_time(
    client: PinterestClient,
    fake: FakePinterest,
    headers: dict[str, str],
    reset_at: datetime,
) -> None:
    fake.route("DELETE", "/v5/pins/8001", error(429, 8, "Rate limit exceeded.", **headers))

    with pytest.raises(RateLimited) as raised:
        await client.delete_pin("8001")

    assert raised.value.reset_at == reset_at
    assert not raised.value.is_spam_block


@pytest.mark.parametrize(
    "body",
    [
        {"code": 8, "message": "Request blocked: this looks like SPAM."},
        {"code": 8, "message": "Blocked.", "message_detail": "Spam detected on this domain"},
    ],
)
def test_a_429_that_speaks_of_spam_is_a_spam_block(body: dict[str, object]) -> None:
    found = error_from_response(response(429, json.dumps(body).encode()), now=NOW)

    assert isinstance(found, RateLimited)
    assert found.is_spam_block
