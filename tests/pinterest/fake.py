"""A scripted Pinterest for httpx.MockTransport that holds both sides to Pinterest's openapi.yaml.

Every request to the API host is validated with openapi-core (parameters, body, and the Basic
auth of the token endpoint), plus what openapi-core does not check here:
- the ``pinterest_oauth2`` scheme is unsupported by openapi-core (it only warns), so the
  ``Authorization: Bearer ...`` header is checked explicitly;
- undeclared query parameters are accepted by openapi-core, so they are refused here
  (``/search/pins`` declares no ``page_size``);
- ``OauthAccessTokenRequest`` has a discriminator but no ``oneOf``, so openapi-core does not
  apply the grant's schema: the form is validated against the mapped schema explicitly;
- spec quirk: ``metric_types`` of ``/pins/{pin_id}/analytics`` is a ``oneOf`` of two enums that
  share most values, so a shared value (``IMPRESSION``) matches both and fails ``oneOf``. Only
  that error is re-checked, with ``oneOf`` read as ``anyOf``; any other error still fails.
Every scripted answer is validated as a response of the operation, unless a test marks it
deliberately off-spec (``conformant=False``).
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
from openapi_core import OpenAPI
from openapi_core.templating.paths.finders import APICallPathFinder
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.request.exceptions import InvalidParameter
from openapi_schema_validator import OAS30Validator

API_HOST = "https://api.pinterest.com"
CLIENT_ID = "1480000"
CLIENT_SECRET = "app-secret"


@dataclass
class Answer:
    """What the fake answers: a JSON body (or raw bytes) with a status and headers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    conformant: bool = True

    def content(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body).encode()


Reply = Answer | Exception
Handler = Callable[[httpx.Request], Reply]


def ok(body: Any, status: int = 200) -> Answer:
    return Answer(status, body)


def error(status: int, code: int, message: str, **headers: str) -> Answer:
    return Answer(status, {"code": code, "message": message}, headers=headers)


def no_content() -> Answer:
    return Answer(204, None, content_type="")


def board(board_id: str, name: str = "Recipes", **fields: Any) -> dict[str, Any]:
    return {
        "id": board_id,
        "name": name,
        "description": "Weeknight dinners",
        "privacy": "PUBLIC",
        "is_ads_only": False,
        "created_at": "2026-04-01T10:00:00Z",
        "board_pins_modified_at": "2026-04-20T08:30:00Z",
        "pin_count": 3,
        "follower_count": 1,
        "collaborator_count": 0,
        "owner": {"username": "alice_pins"},
        "media": {"image_cover_url": None, "pin_thumbnail_urls": []},
    } | fields


def pin(pin_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": pin_id,
        "created_at": "2026-04-30T09:00:00Z",
        "link": "https://example.com/soup",
        "title": "Soup",
        "description": "A quick soup",
        "alt_text": "A bowl of soup",
        "dominant_color": "#6E7874",
        "board_id": "1001",
        "board_section_id": None,
        "board_owner": {"username": "alice_pins"},
        "parent_pin_id": None,
        "is_owner": True,
        "is_standard": True,
        "has_been_promoted": False,
        "creative_type": "REGULAR",
        "pin_metrics": None,
        "media": {
            "media_type": "image",
            "images": {
                "600x": {"url": "https://i.pinimg.com/600x/a.jpg", "width": 600, "height": 900}
            },
        },
    } | fields


def token_answer(access: str, refresh: str | None, *, grant: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "access_token": access,
        "token_type": "bearer",
        "expires_in": 2_592_000,
        "scope": "boards:read,boards:write,pins:read,pins:write,user_accounts:read",
        "response_type": grant,
    }
    if refresh is not None:
        body |= {
            "refresh_token": refresh,
            "refresh_token_expires_in": 5_184_000,
            "refresh_token_expires_at": 1_900_000_000,
        }
    return body


class TokenEndpoint:
    """``POST /v5/oauth/token`` with strict rotation: a refresh token works once."""

    def __init__(self, refresh_token: str) -> None:
        self.valid_refresh_tokens = {refresh_token}
        self.refreshes_seen: list[str] = []
        self.codes_seen: list[str] = []
        self.refusal: Answer | None = None
        self._issued = 0

    def __call__(self, request: httpx.Request) -> Reply:
        form = dict(parse_qsl(request.content.decode()))
        if self.refusal is not None:
            return self.refusal
        self._issued += 1
        access, refresh = f"pina.issued{self._issued}", f"pinr.issued{self._issued}"
        if form["grant_type"] == "authorization_code":
            self.codes_seen.append(form["code"])
            self.valid_refresh_tokens.add(refresh)
            return ok(token_answer(access, refresh, grant="authorization_code"))
        self.refreshes_seen.append(form["refresh_token"])
        if form["refresh_token"] not in self.valid_refresh_tokens:
            return error(400, 1, "Invalid refresh token.")
        self.valid_refresh_tokens.remove(form["refresh_token"])
        self.valid_refresh_tokens.add(refresh)
        return ok(token_answer(access, refresh, grant="refresh_token"))


class FakePinterest:
    """Routes by exact method and path; each route answers from a handler or a script.

    A script is a sequence of replies served in order, the last one repeating. A reply that is
    an exception is raised by the transport (a timeout, a dropped connection).
    """

    def __init__(self, openapi: OpenAPI, refresh_token: str) -> None:
        self.openapi = openapi
        self.requests: list[httpx.Request] = []
        self.token_endpoint = TokenEndpoint(refresh_token)
        self._routes: dict[tuple[str, str], Handler] = {}
        self._finder = APICallPathFinder(openapi.spec)
        with (openapi.spec / "components").open() as components:
            self._components = components
        self.route("POST", "/v5/oauth/token", self.token_endpoint)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    def route(self, method: str, path: str, *replies: Reply | Handler) -> None:
        if len(replies) == 1 and callable(replies[0]) and not isinstance(replies[0], Exception):
            self._routes[(method, path)] = replies[0]
            return
        script: Iterator[Reply] = _repeat_last([r for r in replies if not callable(r)])
        self._routes[(method, path)] = lambda _request: next(script)

    def sent(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and r.url.path == path]

    def count(self, method: str, path: str) -> int:
        return len(self.sent(method, path))

    def bearer_tokens(self, method: str, path: str) -> list[str]:
        return [r.headers["Authorization"].removeprefix("Bearer ") for r in self.sent(method, path)]

    # -- the transport ------------------------------------------------------------------------

    def _handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        handler = self._routes.get((request.method, request.url.path))
        if handler is None:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        spec_request = self._spec_request(request) if self._is_api(request) else None
        if spec_request is not None:
            self._validate_request(request, spec_request)
        reply = handler(request)
        if isinstance(reply, Exception):
            raise reply
        if spec_request is not None and reply.conformant:
            self.openapi.validate_response(
                spec_request,
                MockResponse(
                    reply.content(),
                    status_code=reply.status,
                    headers=reply.headers,
                    content_type=reply.content_type,
                ),
            )
        headers = dict(reply.headers)
        if reply.content_type:
            headers["Content-Type"] = reply.content_type
        return httpx.Response(reply.status, headers=headers, content=reply.content())

    @staticmethod
    def _is_api(request: httpx.Request) -> bool:
        return str(request.url).startswith(f"{API_HOST}/v5/")

    def _spec_request(self, request: httpx.Request) -> MockRequest:
        return MockRequest(
            API_HOST,
            request.method.lower(),
            request.url.path,
            args=dict(request.url.params),
            headers={"Authorization": request.headers.get("Authorization", "")},
            data=request.content,
            content_type=request.headers.get("Content-Type", "application/json"),
        )

    def _validate_request(self, request: httpx.Request, spec_request: MockRequest) -> None:
        if len(request.url.params.multi_items()) != len(request.url.params):
            raise AssertionError(f"repeated query parameter in {request.url}")
        try:
            self.openapi.validate_request(spec_request)
        except Exception as exc:
            remaining = [
                e
                for e in self.openapi.iter_request_errors(spec_request)
                if not self._overlapping_one_of(e, request)
            ]
            if remaining:
                raise AssertionError(f"request violates the spec: {remaining}") from exc
        operation = self._finder.find(
            request.method.lower(), str(request.url.copy_with(query=None))
        )
        declared = {p["name"] for p in self._parameters(operation)}
        undeclared = set(request.url.params) - declared
        if undeclared:
            raise AssertionError(f"undeclared query parameters {undeclared} in {request.url}")
        if request.url.path == "/v5/oauth/token":
            self._validate_token_form(request)
        else:
            authorization = request.headers.get("Authorization", "")
            if not authorization.startswith("Bearer pina."):
                raise AssertionError(f"API call without a bearer token: {authorization!r}")

    def _parameters(self, operation: Any) -> Iterator[dict[str, Any]]:
        for owner in (operation.path, operation.operation):
            if (owner / "parameters").exists():
                for parameter in owner / "parameters":
                    with parameter.open() as contents:
                        yield contents

    def _overlapping_one_of(self, error: Exception, request: httpx.Request) -> bool:
        """The analytics ``metric_types`` quirk, re-checked with ``oneOf`` read as ``anyOf``."""
        if not isinstance(error, InvalidParameter) or error.name != "metric_types":
            return False
        cause = error.__cause__
        schema_errors = getattr(cause, "schema_errors", ())
        if not schema_errors or any(e.validator != "oneOf" for e in schema_errors):
            return False
        operation = self._finder.find(
            request.method.lower(), str(request.url.copy_with(query=None))
        )
        (parameter,) = [p for p in self._parameters(operation) if p["name"] == "metric_types"]
        schema = copy.deepcopy(parameter["schema"])
        schema["items"]["anyOf"] = schema["items"].pop("oneOf")
        values = request.url.params["metric_types"].split(",")
        return not list(OAS30Validator(schema).iter_errors(values))

    def _validate_token_form(self, request: httpx.Request) -> None:
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        assert request.headers["Authorization"] == f"Basic {expected}"
        form = dict(parse_qsl(request.content.decode()))
        with (self.openapi.spec / "components" / "schemas" / "OauthAccessTokenRequest").open() as s:
            mapped = s["discriminator"]["mapping"][form["grant_type"]]
        validator = OAS30Validator({"$ref": mapped, "components": self._components})
        problems = [e.message for e in validator.iter_errors(form)]
        if problems:
            raise AssertionError(f"token request violates {mapped}: {problems}")


def _repeat_last(replies: list[Reply]) -> Iterator[Reply]:
    yield from replies
    while True:
        yield replies[-1]
