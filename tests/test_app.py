"""The application shell: documentation, error shapes, the liveness endpoint."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import inspect
from starlette.types import Message

from pinsmith.app import create_app
from pinsmith.config import Settings
from pinsmith.kit.body_limit import MAX_JSON_BODY_BYTES
from pinsmith.kit.errors import Conflict
from tests.conftest import Factory, account, make_settings


async def test_openapi_and_docs_are_served(client: AsyncClient) -> None:
    spec = await client.get("/openapi.json")
    docs = await client.get("/docs")

    assert spec.status_code == 200
    assert {"/auth/me", "/api-keys", "/api-keys/{key_id}/toggle"} <= set(spec.json()["paths"])
    schemes = spec.json()["components"]["securitySchemes"]
    assert {"HTTPBearer", "APIKeyHeader", "APIKeyCookie"} <= set(schemes)
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


async def test_healthz_answers_without_authentication(client: AsyncClient) -> None:
    response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_unknown_routes_and_methods_answer_json(client: AsyncClient) -> None:
    missing = await client.get("/no-such-thing")
    wrong_method = await client.put("/auth/me")

    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not Found"}
    assert wrong_method.status_code == 405
    assert "detail" in wrong_method.json()


async def test_domain_errors_render_their_status_and_detail(settings: Settings) -> None:
    app = create_app(settings, migrate=False)

    @app.get("/boom-conflict")
    async def conflict() -> None:
        raise Conflict("already there")

    async with _client(app) as http:
        response = await http.get("/boom-conflict")

    assert response.status_code == 409
    assert response.json() == {"detail": "already there"}


async def test_an_unexpected_error_is_a_plain_500_without_a_traceback(settings: Settings) -> None:
    app = create_app(settings, migrate=False)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    async with _client(app) as http:
        response = await http.get("/boom")

    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error"}
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text


async def test_start_applies_pending_migrations(tmp_path: Path) -> None:
    fresh = make_settings(tmp_path, f"sqlite:///{tmp_path / 'fresh.db'}")
    app = create_app(fresh)

    async with (
        app.router.lifespan_context(app),
        app.state.database.engine.connect() as connection,
    ):
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())

    assert {"users", "api_keys", "pinterest_profiles", "alembic_version"} <= set(tables)


def _client(app: FastAPI) -> AsyncClient:
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    return AsyncClient(transport=transport, base_url="http://testserver")


async def _chunks(total: int, size: int = 1024 * 1024) -> AsyncIterator[bytes]:
    yield b'[{"title": "'
    sent = 0
    while sent < total:
        yield b"x" * size
        sent += size
    yield b'"}]'


async def test_a_declared_body_over_the_cap_is_a_json_413_before_it_is_read(app: FastAPI) -> None:
    read: list[Message] = []
    sent: list[Message] = []

    async def receive() -> Message:
        read.append({"type": "http.request"})
        return {"type": "http.request", "body": b"[]", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/pins/bulk",
        "raw_path": b"/pins/bulk",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(MAX_JSON_BODY_BYTES + 1).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    await app(scope, receive, send)

    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"]) == {"detail": "Request body too large: at most 16 MB"}
    assert read == []


async def test_a_chunked_body_is_counted_as_it_arrives(
    client: AsyncClient, factory: Factory
) -> None:
    alice = await account(factory)
    # httpx sends an async iterable without a Content-Length, chunk by chunk.
    response = await client.post(
        "/pins/bulk",
        content=_chunks(MAX_JSON_BODY_BYTES),
        headers=alice.headers | {"Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert response.json() == {"detail": "Request body too large: at most 16 MB"}
    assert (await client.get("/pins", headers=alice.headers)).json() == []
