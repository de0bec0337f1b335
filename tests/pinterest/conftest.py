"""Fixtures: a scripted, spec-checking Pinterest (``fake``) and a client bound to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from pinsmith.pinterest import (
    DEFAULT_SCOPES,
    AppCredentials,
    MemoryTokenStore,
    PinterestClient,
    TokenSet,
)
from tests.conftest import Clock
from tests.pinterest.fake import CLIENT_ID, CLIENT_SECRET, FakePinterest

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
APP = AppCredentials(CLIENT_ID, CLIENT_SECRET)


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


@pytest.fixture
def fixed_clock() -> Clock:
    return Clock(NOW)


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
def client(http: httpx.AsyncClient, store: RecordingStore, fixed_clock: Clock) -> PinterestClient:
    return PinterestClient(store, APP, http=http, clock=fixed_clock)
