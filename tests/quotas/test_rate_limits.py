"""Per-IP rate limits as PinFlow documents them: one count per route's limit, 429 past it.

Time is a fake clock: the `limits` storages read ``time.time()`` from their own module, which the
``frozen_time`` fixture points at the test clock (the middleware reads pinsmith's clock).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from uuid import uuid4

import pytest
import redis.asyncio
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient, Response
from limits.aio.storage import memory as memory_storage
from limits.aio.storage.redis import redispy as redispy_storage
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp

from pinsmith.app import create_app
from pinsmith.kit.rate_limit import RateLimitMiddleware, RateLimitTable
from pinsmith.quotas.rate_limits import rate_limit_table
from tests.conftest import Clock, make_settings

LOCAL_REDIS_URL = "redis://127.0.0.1:6379"


async def send(app: ASGIApp, method: str, path: str, ip: str = "127.0.0.1") -> Response:
    transport = ASGITransport(app=app, client=(ip, 123))
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        return await http.request(method, path)


SiteFactory = Callable[..., Awaitable[FastAPI]]


@pytest.fixture
def frozen_time(clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake_time = SimpleNamespace(time=lambda: clock().timestamp())
    monkeypatch.setattr(memory_storage, "time", fake_time)
    monkeypatch.setattr(redispy_storage, "time", fake_time)
    return clock


@pytest.fixture
async def make_site(
    tmp_path: Path, database_url: str, frozen_time: Clock
) -> AsyncIterator[SiteFactory]:
    """Builds pinsmith with the given settings, plus ``GET /ping``: a plain 200 to count."""
    async with AsyncExitStack() as running:

        async def build(**overrides: Any) -> FastAPI:
            settings = make_settings(tmp_path / "data", database_url, **overrides)
            app = create_app(settings, migrate=False)

            @app.get("/ping")
            async def ping() -> dict[str, str]:
                return {"status": "pong"}

            await running.enter_async_context(app.router.lifespan_context(app))
            return app

        yield build


async def test_the_request_past_the_limit_is_refused_with_429_and_when_to_retry(
    make_site: SiteFactory,
) -> None:
    site = await make_site(rate_limit_pin_create="3/minute")

    allowed = [await send(site, "POST", "/pins") for _ in range(3)]
    refused = await send(site, "POST", "/pins")

    assert [response.status_code != 429 for response in allowed] == [True] * 3
    assert refused.status_code == 429
    assert refused.json() == {"detail": "Rate limit exceeded: 3 per 1 minute"}
    # all three at one instant: they leave the window just after 60 s
    assert int(refused.headers["Retry-After"]) == 61
    assert refused.headers["X-RateLimit-Limit"] == "3"
    assert refused.headers["X-RateLimit-Remaining"] == "0"


async def test_pin_generators_surface_is_refused_in_its_own_error_shape(
    make_site: SiteFactory,
) -> None:
    site = await make_site(rate_limit_default="1/minute")
    await send(site, "POST", "/api/generateImage")
    refused = await send(site, "POST", "/api/generateImage")
    assert refused.status_code == 429
    assert refused.json() == {"error": "Rate limit exceeded: 1 per 1 minute"}


async def test_counted_responses_say_the_limit_and_what_remains(make_site: SiteFactory) -> None:
    site = await make_site(rate_limit_default="3/minute")

    first = await send(site, "GET", "/ping")
    second = await send(site, "GET", "/ping")

    assert first.status_code == 200
    assert first.json() == {"status": "pong"}
    assert (first.headers["X-RateLimit-Limit"], first.headers["X-RateLimit-Remaining"]) == (
        "3",
        "2",
    )
    assert second.headers["X-RateLimit-Remaining"] == "1"


async def test_the_limit_resets_after_a_minute(make_site: SiteFactory, frozen_time: Clock) -> None:
    site = await make_site(rate_limit_pin_create="2/minute")
    for _ in range(2):
        await send(site, "POST", "/pins")
    assert (await send(site, "POST", "/pins")).status_code == 429

    frozen_time.advance(seconds=61)
    after_the_window = [await send(site, "POST", "/pins") for _ in range(2)]

    assert [response.status_code != 429 for response in after_the_window] == [True, True]


async def test_retrying_after_retry_after_seconds_succeeds(
    make_site: SiteFactory, frozen_time: Clock
) -> None:
    site = await make_site(rate_limit_pin_create="2/minute")
    await send(site, "POST", "/pins")
    frozen_time.advance(seconds=20)
    await send(site, "POST", "/pins")
    refused = await send(site, "POST", "/pins")
    retry_after = int(refused.headers["Retry-After"])

    frozen_time.advance(seconds=retry_after - 1)
    too_early = await send(site, "POST", "/pins")
    frozen_time.advance(seconds=1)
    on_time = await send(site, "POST", "/pins")

    assert (refused.status_code, retry_after) == (429, 41)  # the first request frees at 60 s
    assert too_early.status_code == 429
    assert on_time.status_code != 429


async def test_each_client_ip_has_its_own_count(make_site: SiteFactory) -> None:
    site = await make_site(rate_limit_pin_create="1/minute")
    await send(site, "POST", "/pins", ip="1.2.3.4")

    same_ip = await send(site, "POST", "/pins", ip="1.2.3.4")
    other_ip = await send(site, "POST", "/pins", ip="5.6.7.8")

    assert same_ip.status_code == 429
    assert other_ip.status_code != 429
    assert other_ip.headers["X-RateLimit-Remaining"] == "0"


async def test_exhausting_pin_creation_leaves_other_endpoints_open(make_site: SiteFactory) -> None:
    site = await make_site(rate_limit_pin_create="2/minute", rate_limit_default="2/minute")
    for _ in range(2):
        await send(site, "POST", "/pins")

    creation = await send(site, "POST", "/pins")
    me = await send(site, "GET", "/auth/me")
    listing = await send(site, "GET", "/pins")  # same path, another method: the default bucket

    assert creation.status_code == 429
    assert me.status_code == 401
    assert me.headers["X-RateLimit-Remaining"] == "1"
    assert listing.status_code != 429


async def test_exhausting_the_default_limit_leaves_pin_creation_open(
    make_site: SiteFactory,
) -> None:
    site = await make_site(rate_limit_pin_create="2/minute", rate_limit_default="2/minute")
    await send(site, "GET", "/auth/me")
    await send(site, "GET", "/ping")

    me = await send(site, "GET", "/auth/me")
    creation = await send(site, "POST", "/pins")

    assert me.status_code == 429
    assert me.json() == {"detail": "Rate limit exceeded: 2 per 1 minute"}
    assert creation.status_code != 429
    assert creation.headers["X-RateLimit-Remaining"] == "1"


async def test_bulk_creation_and_uploads_have_limits_of_their_own(make_site: SiteFactory) -> None:
    site = await make_site(
        rate_limit_pin_create="1/minute",
        rate_limit_pin_bulk="1/minute",
        rate_limit_upload="1/minute",
    )
    first = [
        await send(site, "POST", path) for path in ("/pins", "/pins/bulk", "/pins/upload-image")
    ]
    second = [
        await send(site, "POST", path) for path in ("/pins", "/pins/bulk", "/pins/upload-image")
    ]

    assert [response.status_code != 429 for response in first] == [True] * 3
    assert [response.status_code for response in second] == [429] * 3


async def test_healthz_is_never_counted(make_site: SiteFactory) -> None:
    site = await make_site(rate_limit_default="1/minute")

    probes = [await send(site, "GET", "/healthz") for _ in range(5)]
    ping = await send(site, "GET", "/ping")

    assert [probe.status_code for probe in probes] == [200] * 5
    assert "X-RateLimit-Limit" not in probes[-1].headers
    assert ping.status_code == 200  # the default bucket was not touched


async def test_disabled_rate_limits_refuse_nothing(make_site: SiteFactory) -> None:
    site = await make_site(
        rate_limits_enabled=False, rate_limit_pin_create="1/minute", rate_limit_default="1/minute"
    )

    creations = [await send(site, "POST", "/pins") for _ in range(3)]
    pings = [await send(site, "GET", "/ping") for _ in range(3)]

    assert [response.status_code != 429 for response in creations] == [True] * 3
    assert [response.status_code for response in pings] == [200] * 3
    assert "X-RateLimit-Limit" not in pings[-1].headers


async def test_a_trailing_slash_counts_as_the_same_path(make_site: SiteFactory) -> None:
    site = await make_site(rate_limit_pin_create="2/minute", rate_limit_default="5/minute")
    await send(site, "POST", "/pins/")
    await send(site, "POST", "/pins")

    refused = await send(site, "POST", "/pins/")

    assert refused.status_code == 429
    assert refused.json() == {"detail": "Rate limit exceeded: 2 per 1 minute"}


async def test_an_unreachable_redis_lets_requests_through(
    make_site: SiteFactory, caplog: pytest.LogCaptureFixture
) -> None:
    site = await make_site(
        rate_limit_storage_url="redis://127.0.0.1:1", rate_limit_default="1/minute"
    )

    with caplog.at_level(logging.WARNING, logger="pinsmith.kit.rate_limit"):
        pings = [await send(site, "GET", "/ping") for _ in range(3)]

    assert [ping.status_code for ping in pings] == [200] * 3
    assert "rate limit storage unreachable" in caplog.text


@pytest.fixture
async def redis_url() -> str:
    client = redis.asyncio.Redis.from_url(LOCAL_REDIS_URL, socket_connect_timeout=1)
    try:
        await client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis server answers on {LOCAL_REDIS_URL}")
    finally:
        await client.aclose()
    return LOCAL_REDIS_URL


async def test_servers_sharing_a_redis_share_the_counts(redis_url: str, frozen_time: Clock) -> None:
    table = RateLimitTable(routes={("POST", "/pins"): "3/minute"}, default="100/minute")
    prefix = f"test-{uuid4().hex}"  # this run's own counters
    servers = [
        RateLimitMiddleware(PlainTextResponse("ok"), table, redis_url, key_prefix=prefix)
        for _ in range(2)
    ]

    try:
        statuses = [(await send(servers[n % 2], "POST", "/pins")).status_code for n in range(4)]
        frozen_time.advance(seconds=61)
        after_the_window = await send(servers[1], "POST", "/pins")
    finally:
        for server in servers:  # limits' storage has no close(); its redis-py client has
            await server.limiter.storage.bridge.storage.aclose()  # type: ignore[attr-defined]

    assert statuses == [200, 200, 200, 429]
    assert after_the_window.status_code == 200


def test_the_table_holds_pinflow_documented_limits(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'unused.db'}")

    table = rate_limit_table(settings)

    assert table.routes == {
        ("POST", "/pins"): "30/minute",
        ("POST", "/pins/bulk"): "10/minute",
        ("POST", "/pins/upload-image"): "30/minute",
    }
    assert table.default == "200/minute"
    assert table.exempt == {"/healthz"}


async def test_a_path_behind_a_root_path_counts_against_its_route(frozen_time: Clock) -> None:
    table = RateLimitTable(routes={("POST", "/pins"): "1/minute"}, default="100/minute")
    limited = RateLimitMiddleware(PlainTextResponse("ok"), table)
    transport = ASGITransport(app=limited, root_path="/api")

    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        first = await http.post("/api/pins")
        second = await http.post("/api/pins")

    assert first.status_code == 200
    assert second.status_code == 429
    assert second.json() == {"detail": "Rate limit exceeded: 1 per 1 minute"}
