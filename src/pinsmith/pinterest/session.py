"""One account's authorised access to the API: tokens, refresh, the 401 replay, retries, pages.

The rules, in one place:
- The access token is refreshed ahead of expiry (``refresh_margin``) and after a 401 that says
  it is expired or invalid. Every refresh saves the new set (with its new refresh token) in the
  store before the token is used, so an old refresh token is never sent again by this client;
  another client of the same store that raced it is refused, and takes the new set instead.
- Reads are retried per :class:`~pinsmith.pinterest.retries.RetryPolicy`.
- Writes are sent once. Pinterest has no idempotency key, so after a timeout or a 5xx the
  outcome is unknown and only the caller can reconcile. The one exception: a write refused with
  a 401 for its token was not carried out, so it is replayed once after a successful refresh.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from datetime import timedelta
from typing import Any, Literal, TypeVar

import httpx
from pydantic import BaseModel

from pinsmith.pinterest.errors import (
    PinterestTimeout,
    RateLimited,
    ReconnectRequired,
    ServerError,
    TokenExpired,
    UnexpectedResponse,
)
from pinsmith.pinterest.models import Page
from pinsmith.pinterest.oauth import PinterestOAuth
from pinsmith.pinterest.retries import RetryPolicy
from pinsmith.pinterest.tokens import TokenSet, TokenStore
from pinsmith.pinterest.transport import Clock, parse_body, parse_value, send

__all__ = ["MAX_PAGE_SIZE", "PinterestSession"]

MAX_PAGE_SIZE = 250  # Pinterest's maximum for every list
Model = TypeVar("Model", bound=BaseModel)
Query = Mapping[str, str | int]
WriteMethod = Literal["POST", "PATCH", "DELETE"]


class PinterestSession:
    def __init__(
        self,
        tokens: TokenStore,
        oauth: PinterestOAuth,
        *,
        api_url: str,
        http: httpx.AsyncClient,
        timeout: httpx.Timeout,
        retry: RetryPolicy,
        refresh_margin: timedelta,
        clock: Clock,
    ) -> None:
        self._store = tokens
        self._oauth = oauth
        self._api_url = api_url.rstrip("/")
        self._http = http
        self._timeout = timeout
        self._retry = retry
        self._refresh_margin = refresh_margin
        self._clock = clock
        self._refreshing = asyncio.Lock()

    async def read(self, path: str, params: Query | None = None) -> httpx.Response:
        """GET, retried on timeouts, dropped connections, 5xx and 429."""
        return await self._retry.call(self._authorized, self._clock, "GET", path, params, None)

    async def write(
        self, method: WriteMethod, path: str, body: Mapping[str, Any] | None = None
    ) -> httpx.Response:
        """POST/PATCH/DELETE, sent once (replayed only after a 401 for an expired token)."""
        return await self._authorized(method, path, None, body)

    async def items(
        self,
        path: str,
        model: type[Model],
        params: Query | None = None,
        *,
        page_size: int | None = MAX_PAGE_SIZE,
    ) -> AsyncIterator[Model]:
        """Every item of a list, page after page by ``bookmark``, in Pinterest's order.

        ``page_size=None`` for the lists that do not take one (``/search/pins``). Each page is a
        read of its own (retried alone); stopping early fetches no further pages.
        """
        query: dict[str, str | int] = dict(params or {})
        if page_size is not None:
            query["page_size"] = page_size
        seen: set[str] = set()
        while True:
            response = await self.read(path, query)
            page = parse_body(Page, response)
            for item in page.items:
                yield parse_value(model, item, response)
            if not page.bookmark:
                return
            if page.bookmark in seen:
                raise UnexpectedResponse(
                    f"Pinterest sent bookmark {page.bookmark!r} twice for {path}; stopped paging",
                    status=response.status_code,
                )
            seen.add(page.bookmark)
            query["bookmark"] = page.bookmark

    async def _authorized(
        self,
        method: str,
        path: str,
        params: Query | None,
        body: Mapping[str, Any] | None,
    ) -> httpx.Response:
        tokens = await self._usable_tokens()
        try:
            return await self._send(method, path, params, body, tokens.access_token)
        except TokenExpired:
            tokens = await self._refreshed(replacing=tokens)
        # Pinterest refused the token before acting, so even a write is safe to send once more.
        return await self._send(method, path, params, body, tokens.access_token)

    async def _send(
        self,
        method: str,
        path: str,
        params: Query | None,
        body: Mapping[str, Any] | None,
        access_token: str,
    ) -> httpx.Response:
        request = self._http.build_request(
            method,
            f"{self._api_url}{path}",
            params=dict(params) if params else None,
            json=dict(body) if body is not None else None,
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            timeout=self._timeout,
        )
        return await send(self._http, request, now=self._clock)

    async def _usable_tokens(self) -> TokenSet:
        """The stored tokens, refreshed first when the access token is about to expire."""
        tokens = await self._store.current()
        if not tokens.expires_within(self._refresh_margin, now=self._clock()):
            return tokens
        try:
            return await self._refreshed(replacing=tokens)
        except (PinterestTimeout, ServerError, RateLimited):
            if tokens.is_expired(now=self._clock()):
                raise
            return tokens  # still valid for a little while; the next call tries again

    async def _refreshed(self, *, replacing: TokenSet) -> TokenSet:
        """Refresh once for all concurrent callers that hold the same stale token."""
        async with self._refreshing:
            current = await self._store.current()
            if current.access_token != replacing.access_token and not current.expires_within(
                self._refresh_margin, now=self._clock()
            ):
                return current  # refreshed meanwhile (here, or elsewhere through the store)
            if not current.refresh_token:
                raise ReconnectRequired(
                    "No refresh token is stored for this account; connect it again."
                )
            try:
                fresh = await self._oauth.refresh(current.refresh_token)
            except ReconnectRequired:
                # Another client of the same store (a request, a worker) may have spent this
                # refresh token a moment ago: its new set is then the one to use.
                latest = await self._store.current()
                if latest.refresh_token == current.refresh_token:
                    raise
                return latest
            await self._store.save(fresh)
            return fresh
