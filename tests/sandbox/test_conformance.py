"""Every /v5 operation of the sandbox, in each of its answers that do not depend on the operation
itself (success, 401, 403, 429), validated against Pinterest's OpenAPI description.

The other tests cover each operation's own errors (400, 404...); this matrix makes sure no
operation is forgotten: it must list every /v5 route the sandbox serves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from pinsmith.sandbox import Sandbox, create_sandbox_app
from tests.conftest import Clock
from tests.sandbox.conformance import PinterestApi, error_of
from tests.sandbox.conftest import Account, Sleeper, account, client_for, make_config

ANALYTICS = "start_date=2026-04-01&end_date=2026-04-30"


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    url: str
    body: dict[str, Any] | None = None

    @property
    def route(self) -> str:
        return f"{self.method} {self.template}"


OPERATIONS = [
    Operation("GET", "/v5/user_account", "/v5/user_account"),
    Operation("GET", "/v5/user_account/analytics", f"/v5/user_account/analytics?{ANALYTICS}"),
    Operation("GET", "/v5/user_account/followers", "/v5/user_account/followers"),
    Operation("GET", "/v5/user_account/following", "/v5/user_account/following"),
    Operation("GET", "/v5/user_account/following/boards", "/v5/user_account/following/boards"),
    Operation(
        "POST", "/v5/user_account/following/{username}", "/v5/user_account/following/bob", {}
    ),
    Operation("GET", "/v5/boards", "/v5/boards"),
    Operation("POST", "/v5/boards", "/v5/boards", {"name": "New"}),
    Operation("GET", "/v5/boards/{board_id}", "/v5/boards/{board}"),
    Operation("PATCH", "/v5/boards/{board_id}", "/v5/boards/{board}", {"name": "Renamed"}),
    Operation("DELETE", "/v5/boards/{board_id}", "/v5/boards/{board}"),
    Operation("GET", "/v5/boards/{board_id}/pins", "/v5/boards/{board}/pins"),
    Operation("GET", "/v5/boards/{board_id}/sections", "/v5/boards/{board}/sections"),
    Operation(
        "POST", "/v5/boards/{board_id}/sections", "/v5/boards/{board}/sections", {"name": "S"}
    ),
    Operation(
        "PATCH",
        "/v5/boards/{board_id}/sections/{section_id}",
        "/v5/boards/{board}/sections/{section}",
        {"name": "T"},
    ),
    Operation(
        "DELETE",
        "/v5/boards/{board_id}/sections/{section_id}",
        "/v5/boards/{board}/sections/{section}",
    ),
    Operation(
        "GET",
        "/v5/boards/{board_id}/sections/{section_id}/pins",
        "/v5/boards/{board}/sections/{section}/pins",
    ),
    Operation("GET", "/v5/pins", "/v5/pins"),
    Operation(
        "POST",
        "/v5/pins",
        "/v5/pins",
        {
            "board_id": "{board}",
            "media_source": {"source_type": "image_url", "url": "https://images.example.com/a.jpg"},
        },
    ),
    Operation("GET", "/v5/pins/{pin_id}", "/v5/pins/{pin}"),
    Operation("PATCH", "/v5/pins/{pin_id}", "/v5/pins/{pin}", {"title": "New title"}),
    Operation("DELETE", "/v5/pins/{pin_id}", "/v5/pins/{pin}"),
    Operation(
        "GET",
        "/v5/pins/{pin_id}/analytics",
        f"/v5/pins/{{pin}}/analytics?{ANALYTICS}&metric_types=VIDEO_START",
    ),
    Operation("POST", "/v5/media", "/v5/media", {"media_type": "video"}),
    Operation("GET", "/v5/media", "/v5/media"),
    Operation("GET", "/v5/media/{media_id}", "/v5/media/{media}"),
    Operation("GET", "/v5/search/boards", "/v5/search/boards?query=b"),
    Operation("GET", "/v5/search/pins", "/v5/search/pins?query=p"),
]
IDS = [operation.route for operation in OPERATIONS]


@dataclass
class World:
    """One of each thing an operation can name, owned by ``owner``."""

    owner: Account
    ids: dict[str, str]

    def fill(self, operation: Operation) -> tuple[str, Any]:
        def filled(text: str) -> str:
            return text.format(**self.ids)

        body = operation.body
        if body is not None and "board_id" in body:
            body = body | {"board_id": filled(body["board_id"])}
        return filled(operation.url), body


def build_world(sandbox: Sandbox, scopes: tuple[str, ...] | None = None) -> World:
    owner = account(sandbox, "alice", scopes)
    sandbox.add_user("bob")
    board = sandbox.add_board(owner.user.id, "Board")
    section = sandbox.add_section(board.id, "Section")
    pin = sandbox.add_pin(board.id, title="Pin", section_id=section.id)
    media = sandbox.register_media(owner.user.id)
    ids = {"board": board.id, "section": section.id, "pin": pin.id, "media": media.id}
    return World(owner, ids)


async def call(
    api: PinterestApi, world: World, operation: Operation, headers: dict[str, str], **kwargs: Any
) -> Any:
    url, body = world.fill(operation)
    if body is not None:
        kwargs["json"] = body
    return await api.request(operation.method, url, headers=headers, **kwargs)


def test_the_matrix_lists_every_v5_route(sandbox: Sandbox) -> None:
    served = {route for route in sandbox.faults.known_routes or () if " /v5/" in route}
    oauth = {"POST /v5/oauth/token", "POST /v5/oauth/token/revoke"}  # app auth: test_oauth.py

    assert {operation.route for operation in OPERATIONS} == served - oauth


@pytest.mark.parametrize("operation", OPERATIONS, ids=IDS)
async def test_success(api: PinterestApi, sandbox: Sandbox, operation: Operation) -> None:
    world = build_world(sandbox)

    response = await call(api, world, operation, world.owner.headers)

    assert response.status_code in (200, 201, 204), response.text


@pytest.mark.parametrize("operation", OPERATIONS, ids=IDS)
async def test_without_a_token_401(
    api: PinterestApi, sandbox: Sandbox, operation: Operation
) -> None:
    world = build_world(sandbox)

    # openapi-core cannot check the OAuth scheme, so the request itself is not judged.
    response = await call(api, world, operation, {}, request="unchecked")

    assert error_of(response) == (401, 2, "Authentication failed.")


@pytest.mark.parametrize("operation", OPERATIONS, ids=IDS)
async def test_without_the_scopes_403(
    api: PinterestApi, sandbox: Sandbox, operation: Operation
) -> None:
    world = build_world(sandbox, scopes=())

    response = await call(api, world, operation, world.owner.headers)

    assert error_of(response)[:2] == (403, 3)


@pytest.mark.parametrize("operation", OPERATIONS, ids=IDS)
async def test_over_the_rate_limit_429(
    clock: Clock, sleeper: Sleeper, pinterest_openapi: Any, operation: Operation
) -> None:
    limits = dict.fromkeys(("org_read", "org_write", "org_analytics", "ads_read"), 0)
    app = create_sandbox_app(make_config(clock, sleeper, rate_limits=limits))
    world = build_world(app.state.sandbox)

    async with client_for(app, pinterest_openapi) as api:
        response = await call(api, world, operation, world.owner.headers)

    assert error_of(response)[:2] == (429, 8)
    assert response.headers["x-ratelimit-remaining"] == "0"
