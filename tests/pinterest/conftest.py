"""Fixtures: a scripted, spec-checking Pinterest (``fake``) and a client bound to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import stamina

from pinsmith.pinterest import (
    DEFAULT_SCOPES,
    AppCredentials,
    MemoryTokenStore,
    PinterestClient,
    TokenSet,
)
from tests.pinterest.fake import CLIENT_ID, CLIENT_SECRET, FakePinterest

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
APP = AppCredentials(CLIENT_ID, CLIENT_SECRET)


class FixedClock:
    """A clock that moves only when told to."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class RecordingStore(MemoryTokenStore):
    """Keeps every saved set, to prove what the client handed over."""

    def __init__(self, tokens: TokenSet) -> None:
        super().__init__(tokens)
        self.saved: list[TokenSet] = []

    async def save(self, tokens: TokenSet) -> None:
        self.saved.append(tokens)
        await super().save(tokens)


def token_set(**fields: Any) -> TokenSet:
    values: dict[str, Any] = {
        "access_token": "pina.initial",
        "refresh_token": "pinr.initial",
        "expires_at": NOW + timedelta(days=30),
        "refresh_token_expires_at": NOW + timedelta(days=60),
        "scopes": DEFAULT_SCOPES,
    }
    return TokenSet(**(values | fields))


@pytest.fixture(autouse=True)
def no_backoff() -> Iterator[None]:
    """stamina without waiting; the policy's own attempt count (4) still applies."""
    with stamina.set_testing(True, attempts=10, cap=True):
        yield


@pytest.fixture
def fixed_clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def store() -> RecordingStore:
    return RecordingStore(token_set())


@pytest.fixture
def fake(pinterest_openapi: Any, store: RecordingStore) -> FakePinterest:
    assert store.tokens.refresh_token is not None
    return FakePinterest(pinterest_openapi, refresh_token=store.tokens.refresh_token)


@pytest.fixture
async def http(fake: FakePinterest) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=fake.transport) as client:
        yield client


@pytest.fixture
def client(
    http: httpx.AsyncClient, store: RecordingStore, fixed_clock: FixedClock
) -> PinterestClient:
    return PinterestClient(store, APP, http=http, clock=fixed_clock)
