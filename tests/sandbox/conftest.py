"""Fixtures for the sandbox: a fake clock, a recording sleep, the app and a spec-checking client."""

from __future__ import annotations

import asyncio
import base64
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from PIL import Image

from pinsmith.sandbox import (
    ClientConfig,
    Sandbox,
    SandboxConfig,
    SandboxUser,
    TokenPair,
    create_sandbox_app,
)
from tests.conftest import Clock
from tests.sandbox.conformance import PinterestApi

CLIENT_ID = "1484364"
CLIENT_SECRET = "sandbox-secret"
REDIRECT_URI = "http://pinsmith.test/profiles/oauth/callback"
START = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@dataclass
class Sleeper:
    """The sandbox's ``sleep``: records each wait; waits for ``release`` only when ``hold`` is set
    (a held response), so no test depends on wall-clock time."""

    hold: bool = False
    waits: list[float] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    entered: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.entered.set()
        if self.hold:
            await self.release.wait()

    async def held(self) -> None:
        """Until the sandbox waits (a guard against a hang, not a timing assertion)."""
        await asyncio.wait_for(self.entered.wait(), timeout=30)


@dataclass
class Account:
    """A sandbox user with tokens of the test app."""

    user: SandboxUser
    tokens: TokenPair

    @property
    def headers(self) -> dict[str, str]:
        return self.tokens.headers


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def sleeper() -> Sleeper:
    return Sleeper()


def make_config(clock: Clock, sleeper: Sleeper, **overrides: Any) -> SandboxConfig:
    client = ClientConfig(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uris=[REDIRECT_URI]
    )
    values: dict[str, Any] = {"clients": [client], "clock": clock, "sleep": sleeper}
    return SandboxConfig(**(values | overrides))


@pytest.fixture
def config(clock: Clock, sleeper: Sleeper) -> SandboxConfig:
    return make_config(clock, sleeper)


@pytest.fixture
def app(config: SandboxConfig) -> FastAPI:
    return create_sandbox_app(config)


@pytest.fixture
def sandbox(app: FastAPI) -> Sandbox:
    sandbox: Sandbox = app.state.sandbox
    return sandbox


@asynccontextmanager
async def client_for(app: FastAPI, spec: Any) -> AsyncIterator[PinterestApi]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox.test") as http:
        yield PinterestApi(http, spec)


@pytest.fixture
async def api(app: FastAPI, pinterest_openapi: Any) -> AsyncIterator[PinterestApi]:
    async with client_for(app, pinterest_openapi) as client:
        yield client


def account(sandbox: Sandbox, username: str, scopes: tuple[str, ...] | None = None) -> Account:
    user = sandbox.add_user(username)
    if scopes is None:
        return Account(user, sandbox.issue_tokens(user.id, CLIENT_ID))
    return Account(user, sandbox.issue_tokens(user.id, CLIENT_ID, scopes))


@pytest.fixture
def alice(sandbox: Sandbox) -> Account:
    return account(sandbox, "alice")


@pytest.fixture
def bob(sandbox: Sandbox) -> Account:
    return account(sandbox, "bob")


def image_base64(fmt: str = "PNG", size: tuple[int, int] = (40, 60)) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, format=fmt)
    return base64.b64encode(buffer.getvalue()).decode()


def image_url_source(url: str = "https://images.example.com/pin.jpg") -> dict[str, Any]:
    return {"source_type": "image_url", "url": url}
