"""Per-client-IP request limits, as pure ASGI middleware over the `limits` library.

Each request counts against exactly one limit: the one its ``(method, path)`` has in the table,
else the default. Counters live in memory (one process) or in Redis (``redis://host:6379``, shared
by every server), always through `limits`' async storage so a Redis round trip never blocks the
loop.

The client is ``scope["client"][0]``. Behind a reverse proxy, run uvicorn with ``--proxy-headers
--forwarded-allow-ips=<proxy address>`` so that it is the caller's address, not the proxy's.

The middleware sits before routing, so unknown routes and refused credentials count too: a client
cannot probe for free.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import limits
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from limits.storage import StorageTypes, storage_from_string
from limits.util import WindowStats
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pinsmith.kit.time import utcnow

logger = logging.getLogger(__name__)

# After a storage failure, requests pass uncounted for this long: a dead Redis then costs one
# connection attempt and one log line per interval, not one per request.
STORAGE_RETRY_SECONDS = 5.0
# A Redis that does not answer within this is treated as down (the URL's own options win).
REDIS_TIMEOUT_SECONDS = 1.0
_REDIS_SCHEMES = {"redis", "rediss", "redis+unix", "redis+cluster", "redis+sentinel"}
_DEFAULT_BUCKET = "*"


@dataclass(frozen=True)
class RateLimitTable:
    """Limits in the `limits` notation (``"30/minute"``) by ``(METHOD, /path)``, else ``default``.

    ``exempt`` paths are never counted (liveness probes). Paths under an ``error_key_prefixes``
    prefix carry the refusal under that key instead of ``detail`` (an API surface that answers
    ``{"error": ...}``).
    """

    routes: Mapping[tuple[str, str], str]
    default: str
    exempt: frozenset[str] = frozenset()
    error_key_prefixes: Mapping[str, str] = field(default_factory=dict)


def normalize_path(path: str) -> str:
    """``/pins/`` counts as ``/pins``: FastAPI redirects one to the other, so they are one route."""
    return path.rstrip("/") or "/"


def is_storage_url(url: str) -> bool:
    """Whether ``url`` names a storage this middleware can count in."""
    scheme = urlsplit(url).scheme.removeprefix("async+")
    return scheme == "memory" or scheme in _REDIS_SCHEMES


def async_storage(url: str) -> StorageTypes:
    """The async storage for a `limits` URL: ``memory://`` is read as ``async+memory://``."""
    scheme = urlsplit(url).scheme.removeprefix("async+")
    options: dict[str, float | str | bool] = {"wrap_exceptions": True}
    if scheme in _REDIS_SCHEMES:
        # redis-py comes with limits[redis]; limits' own default client (coredis) is not installed.
        options |= {
            "implementation": "redispy",
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_timeout": REDIS_TIMEOUT_SECONDS,
        }
    return storage_from_string(f"async+{url.removeprefix('async+')}", **options)


class RateLimitMiddleware:
    """Answers 429 with ``Retry-After`` past a limit; adds ``X-RateLimit-*`` to counted responses.

    Fails open: if the storage is unreachable, requests pass uncounted and a warning is logged,
    because an outage of the counter must not become an outage of the service.
    """

    def __init__(
        self,
        app: ASGIApp,
        table: RateLimitTable,
        storage_url: str = "memory://",
        *,
        key_prefix: str = "rate-limit",
    ) -> None:
        self.app = app
        self.routes = {
            (method.upper(), normalize_path(path)): limits.parse(limit)
            for (method, path), limit in table.routes.items()
        }
        self.default = limits.parse(table.default)
        self.exempt = frozenset(normalize_path(path) for path in table.exempt)
        self.error_key_prefixes = dict(table.error_key_prefixes)
        self.limiter = MovingWindowRateLimiter(async_storage(storage_url))
        self.key_prefix = key_prefix
        self._storage_down_until = 0.0

    def _error_key(self, path: str) -> str:
        for prefix, key in self.error_key_prefixes.items():
            if path.startswith(prefix):
                return key
        return "detail"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = normalize_path(_route_path(scope))
        if path in self.exempt:
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        limit = self.routes.get((method, path))
        bucket = f"{method} {path}"
        if limit is None:
            limit, bucket = self.default, _DEFAULT_BUCKET
        client = scope.get("client")
        identifiers = (self.key_prefix, client[0] if client else "unknown", bucket)

        counted = await self._hit(limit, identifiers)
        if counted is None:
            await self.app(scope, receive, send)
            return
        allowed, stats = counted
        headers = {
            "X-RateLimit-Limit": str(limit.amount),
            "X-RateLimit-Remaining": str(max(stats.remaining, 0)),
        }
        if not allowed:
            # The first whole second by which the oldest counted request has left the window
            # (at exactly reset_time it still counts).
            retry_after = max(1, math.floor(stats.reset_time - utcnow().timestamp()) + 1)
            refusal = JSONResponse(
                {self._error_key(path): f"Rate limit exceeded: {limit}"},
                status_code=429,
                headers=headers | {"Retry-After": str(retry_after)},
            )
            await refusal(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_encoded(headers)]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _hit(
        self, limit: limits.RateLimitItem, identifiers: tuple[str, ...]
    ) -> tuple[bool, WindowStats] | None:
        """Count the request: (allowed, window after it), or None while the storage is down."""
        if time.monotonic() < self._storage_down_until:
            return None
        try:
            allowed = await self.limiter.hit(limit, *identifiers)
            stats = await self.limiter.get_window_stats(limit, *identifiers)
        except (StorageError, OSError) as exc:
            self._storage_down_until = time.monotonic() + STORAGE_RETRY_SECONDS
            logger.warning(
                "rate limit storage unreachable, requests pass uncounted for %ss: %s",
                STORAGE_RETRY_SECONDS,
                exc,
            )
            return None
        return allowed, stats


def _encoded(headers: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
    return [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
    ]


def _route_path(scope: Scope) -> str:
    """The path the router matches: without ``root_path`` when the server included it."""
    path: str = scope["path"]
    root_path: str = scope.get("root_path", "")
    if root_path and path.startswith(root_path) and path[len(root_path) :][:1] in ("", "/"):
        return path[len(root_path) :]
    return path
