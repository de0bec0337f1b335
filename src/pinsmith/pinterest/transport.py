"""Hosts, timeouts and the one place where an HTTP exchange becomes a result or a typed error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from pinsmith.pinterest.errors import PinterestTimeout, UnexpectedResponse, error_from_response

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_OAUTH_URL",
    "DEFAULT_TIMEOUT",
    "SANDBOX_API_URL",
    "Clock",
    "HttpOwner",
    "parse_body",
    "parse_value",
    "send",
    "utc_now",
]

DEFAULT_API_URL = "https://api.pinterest.com/v5"
SANDBOX_API_URL = "https://api-sandbox.pinterest.com/v5"
DEFAULT_OAUTH_URL = "https://www.pinterest.com/oauth/"
# Pinterest answers in well under a second; 30 s of silence means something is wrong.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)

Clock = Callable[[], datetime]
Model = TypeVar("Model", bound=BaseModel)

# Failures that happen before a byte of the request left: a write was certainly not done.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_NO_ANSWER = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


def utc_now() -> datetime:
    return datetime.now(UTC)


async def send(http: httpx.AsyncClient, request: httpx.Request, *, now: Clock) -> httpx.Response:
    """Send once; a success answer comes back, anything else is raised as a typed error."""
    try:
        response = await http.send(request)
    except _NEVER_SENT as exc:
        raise PinterestTimeout(
            f"Could not connect to {request.url.host}: {exc!r}", reached_pinterest=False
        ) from exc
    except _NO_ANSWER as exc:
        raise PinterestTimeout(
            f"No answer from {request.url.host} to {request.method} {request.url.path}: {exc!r}",
            reached_pinterest=True,
        ) from exc
    if not response.is_success:
        raise error_from_response(response, now=now())
    return response


def parse_body(model: type[Model], response: httpx.Response) -> Model:
    """The body as ``model``; a body of another shape is an :class:`UnexpectedResponse`."""
    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        raise _unexpected(model, response, exc) from exc


def parse_value(model: type[Model], value: Any, response: httpx.Response) -> Model:
    """A part of ``response``'s body (e.g. one item of a page) as ``model``."""
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        raise _unexpected(model, response, exc) from exc


def _unexpected(
    model: type[BaseModel], response: httpx.Response, exc: ValidationError
) -> UnexpectedResponse:
    first = exc.errors()[0]
    return UnexpectedResponse(
        f"Unexpected {model.__name__} from {response.request.method} "
        f"{response.request.url.path}: {first['msg']} at {first['loc']}",
        status=response.status_code,
        request_id=response.headers.get("x-pinterest-rid"),
    )


class HttpOwner:
    """Closes its ``httpx`` client on ``aclose()`` (or ``async with``) only if it made it: a
    client passed in belongs to the caller."""

    _http: httpx.AsyncClient
    _owns_http: bool

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
