"""The sandbox on a real loopback port (uvicorn in a thread), as the CLI and the demo run it."""

from __future__ import annotations

import threading
from typing import Any

import httpx

from pinsmith.sandbox import SandboxConfig, create_sandbox_app, serve_in_thread
from tests.conftest import Clock
from tests.sandbox.conformance import PinterestApi
from tests.sandbox.conftest import CLIENT_ID, Sleeper, make_config


async def test_a_real_http_call_on_a_loopback_port(
    clock: Clock, sleeper: Sleeper, pinterest_openapi: Any
) -> None:
    app = create_sandbox_app(make_config(clock, sleeper))
    user = app.state.sandbox.add_user("alice")
    tokens = app.state.sandbox.issue_tokens(user.id, CLIENT_ID)
    servers_before = set(server_threads())
    with serve_in_thread(app) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
            response = await PinterestApi(http, pinterest_openapi).get(
                "/v5/user_account", headers=tokens.headers
            )

    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    assert int(response.headers["x-ratelimit-remaining"]) == 999
    # The server's own thread is joined on exit (worker threads of its loop may idle a moment).
    assert set(server_threads()) == servers_before


def server_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "pinsmith-sandbox"]


def test_run_sandbox_serves_the_app_built_from_the_config(monkeypatch: Any) -> None:
    from pinsmith.sandbox import server

    served: dict[str, Any] = {}

    def fake_run(app: Any, **options: Any) -> None:
        served.update(options, app=app)

    monkeypatch.setattr(server.uvicorn, "run", fake_run)
    config = SandboxConfig(users=[{"username": "demo", "boards": ["Ideas"]}])  # type: ignore[list-item]

    server.run_sandbox("0.0.0.0", 9999, config)  # noqa: S104

    assert (served["host"], served["port"]) == ("0.0.0.0", 9999)  # noqa: S104
    sandbox = served["app"].state.sandbox
    demo = sandbox.user_by_username("demo")
    assert [board.name for board in sandbox.boards_of(demo.id)] == ["Ideas"]
