"""An HTTP client for sandbox tests that checks every ``/v5`` exchange against Pinterest's own
OpenAPI description (openapi-core, the session's ``pinterest_openapi``).

Every response under ``/v5`` is validated (status, headers' content type, body schema). Requests
are validated too: by default a test's request must be one the spec accepts; a test that sends a
request the spec forbids on purpose says ``request="invalid"`` and the spec must then refuse it as
well (so the sandbox and the spec agree on what is invalid). ``request="unchecked"`` is only for
requests whose validity the spec cannot judge (a wrong ``Authorization`` header: openapi-core does
not check the OAuth scheme) or for a documented spec quirk, with a comment at the call.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import httpx
import pytest
from openapi_core.testing import MockRequest, MockResponse

PINTEREST = "https://api.pinterest.com"
RequestCheck = Literal["valid", "invalid", "unchecked"]


def mock_request(
    request: httpx.Request, *, method: str | None = None, path: str | None = None
) -> MockRequest:
    return MockRequest(
        PINTEREST,
        (method or request.method).lower(),
        path or request.url.path,
        args=list(request.url.params.multi_items()),  # type: ignore[arg-type]  # a multi-dict
        headers=dict(request.headers),
        data=request.content,
        content_type=request.headers.get("content-type", "application/json").split(";")[0],
    )


def mock_response(response: httpx.Response) -> MockResponse:
    content_type = response.headers.get("content-type")
    return MockResponse(
        response.content,
        status_code=response.status_code,
        headers=dict(response.headers),
        content_type=content_type.split(";")[0] if content_type else None,  # type: ignore[arg-type]
    )


class PinterestApi:
    """``get/post/patch/delete`` like httpx, with the spec checks described above."""

    def __init__(self, http: httpx.AsyncClient, spec: Any) -> None:
        self.http = http
        self.spec = spec
        self.checked: list[tuple[str, str, int]] = []

    async def request(
        self, method: str, url: str, *, request: RequestCheck = "valid", **kwargs: Any
    ) -> httpx.Response:
        response = await self.http.request(method, url, **kwargs)
        if response.request.url.path.startswith("/v5/"):
            self.check_request(response.request, request)
            self.check_response(response)
        return response

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("GET", url, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("POST", url, **kwargs)

    async def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("PATCH", url, **kwargs)

    async def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("DELETE", url, **kwargs)

    def check_request(self, request: httpx.Request, expectation: RequestCheck) -> None:
        if expectation == "unchecked":
            return
        if expectation == "valid":
            self.spec.validate_request(mock_request(request))
        else:
            with pytest.raises(Exception):  # noqa: B017, PT011 - any of openapi-core's errors
                self.spec.validate_request(mock_request(request))

    def check_response(
        self, response: httpx.Response, *, method: str | None = None, path: str | None = None
    ) -> None:
        """Validate ``response`` (optionally as the answer to another operation: spec quirks)."""
        request = mock_request(response.request, method=method, path=path)
        self.spec.validate_response(request, mock_response(response))
        self.checked.append((request.method, request.path, response.status_code))


def error_of(response: httpx.Response) -> tuple[int, int, str]:
    """(status, Pinterest code, message) of an error answer, which has exactly those two keys."""
    body = response.json()
    assert set(body) == {"code", "message"}, body
    assert isinstance(body["code"], int)
    assert isinstance(body["message"], str)
    return response.status_code, body["code"], body["message"]


def form(**fields: str) -> dict[str, Any]:
    """Keyword arguments of an ``application/x-www-form-urlencoded`` request."""
    return {"data": fields}


def pretty(response: httpx.Response) -> str:
    return json.dumps(response.json(), indent=2)
