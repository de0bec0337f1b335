"""Pinterest's rate limits: a quota per category (``org_read``, ``org_write``, ``org_analytics``...)
per user per app, in fixed windows of the sandbox clock.

Every counted response carries ``x-ratelimit-limit``, ``x-ratelimit-remaining`` and
``x-ratelimit-reset`` (seconds until the window resets), the headers Pinterest documents, so a
client can pace itself; over the limit the answer is 429 code 8.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Where a request's rate-limit status waits for the response headers.
SCOPE_KEY = "pinsmith.sandbox.ratelimit"


@dataclass(frozen=True)
class RateLimitStatus:
    limit: int
    remaining: int
    reset: int
    allowed: bool

    def headers(self) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-reset": str(self.reset),
        }


@dataclass
class _Window:
    started_at: datetime
    used: int = 0


class RateLimiter:
    """Fixed windows that start at a caller's first request in a category."""

    def __init__(self, limits: dict[str, int], window_seconds: int) -> None:
        self.limits = dict(limits)
        self.window = timedelta(seconds=window_seconds)
        self._windows: dict[tuple[Hashable, str], _Window] = {}

    def hit(self, caller: Hashable, category: str, now: datetime) -> RateLimitStatus | None:
        """Count one request; None when the category has no configured limit."""
        limit = self.limits.get(category)
        if limit is None:
            return None
        key = (caller, category)
        window = self._windows.get(key)
        if window is None or now >= window.started_at + self.window:
            window = self._windows[key] = _Window(now)
        reset = max(1, math.ceil((window.started_at + self.window - now).total_seconds()))
        if window.used >= limit:
            return RateLimitStatus(limit, 0, reset, allowed=False)
        window.used += 1
        return RateLimitStatus(limit, limit - window.used, reset, allowed=True)


def remember(scope: Scope, status: RateLimitStatus) -> None:
    scope[SCOPE_KEY] = status


class RateLimitHeadersMiddleware:
    """Adds the request's rate-limit headers to whatever response it ends with (errors too)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            status = scope.get(SCOPE_KEY)
            if message["type"] == "http.response.start" and isinstance(status, RateLimitStatus):
                headers = MutableHeaders(scope=message)
                for name, value in status.headers().items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
