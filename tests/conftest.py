"""Fixtures: a migrated database (SQLite, or PostgreSQL via PINSMITH_TEST_DATABASE_URL), the app,
an HTTP client bound to it in-process, a controllable clock and small factories.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import stamina
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text

from pinsmith.api_keys import service as api_keys
from pinsmith.api_keys.schemas import ApiKeyCreate
from pinsmith.app import create_app
from pinsmith.config import Settings
from pinsmith.kit import migrations
from pinsmith.kit.crypto import generate_secret_key
from pinsmith.kit.db import Database
from pinsmith.kit.time import use_clock
from pinsmith.models import Base, PinterestProfile, User
from pinsmith.profiles import service as profiles
from pinsmith.profiles.schemas import ProfileConnect
from pinsmith.sandbox import Sandbox, SandboxUser, TokenPair
from pinsmith.users import service as users
from pinsmith.users.schemas import UserCreate

# The developer's own PINSMITH_* settings must not leak into the tests.
for _name in list(os.environ):
    if _name.startswith("PINSMITH_") and _name != "PINSMITH_TEST_DATABASE_URL":
        del os.environ[_name]

TEST_SECRET_KEY = generate_secret_key()
PINTEREST_SPEC = Path(__file__).parent / "fixtures" / "pinterest-v5" / "openapi.yaml"


@pytest.fixture(autouse=True)
def no_backoff() -> Iterator[None]:
    """Retries (stamina) without waiting; each policy's own attempt count still applies."""
    with stamina.set_testing(True, attempts=10, cap=True):
        yield


@pytest.fixture(scope="session")
def pinterest_openapi() -> Any:
    """Pinterest's own OpenAPI description, as a validator (built once: it takes ~6 s).

    ``pinterest_openapi.validate_response(request, response)`` with openapi-core's
    ``MockRequest("https://api.pinterest.com", method, "/v5/...")`` and ``MockResponse``.
    """
    import yaml
    from openapi_core import OpenAPI

    with PINTEREST_SPEC.open(encoding="utf-8") as handle:
        spec = yaml.load(handle, Loader=yaml.CSafeLoader)
    return OpenAPI.from_dict(spec)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "database_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
async def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("PINSMITH_TEST_DATABASE_URL")
    if url:
        database = Database(url)
        async with database.engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'pinsmith-test.db'}"
        database = Database(url)
    try:
        await migrations.upgrade(database)
    finally:
        await database.dispose()
    return url


@pytest.fixture(scope="session")
async def database(database_url: str) -> AsyncIterator[Database]:
    """The test database, for factories and direct assertions on rows."""
    database = Database(database_url)
    yield database
    await database.dispose()


@pytest.fixture
async def clean_database(database: Database) -> None:
    """Every test starts from empty tables (kept after it, for debugging a failure)."""
    tables = [table.name for table in Base.metadata.sorted_tables]
    async with database.transaction() as session:
        if database.is_sqlite:
            for table in reversed(tables):
                await session.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - our own names
        else:
            await session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


def make_settings(data_dir: Path, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": database_url,
        "secret_keys": [TEST_SECRET_KEY],
        "allow_private_urls": True,
        "publish_reconcile_delay_seconds": 0,
        "worker_enabled": False,  # a test that wants the worker runs one itself
    }
    return Settings(**(values | overrides))


@pytest.fixture
def settings(tmp_path: Path, database_url: str, clean_database: None) -> Settings:
    return make_settings(tmp_path / "data", database_url)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings, migrate=False)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    transport = ASGITransport(app=app)
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


class Clock:
    """A clock that moves only when told to."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Iterator[Clock]:
    fake = Clock(datetime(2026, 5, 1, 12, 0, tzinfo=UTC))
    with use_clock(fake):
        yield fake


@dataclass
class Factory:
    """Builds rows through the services, each in its own committed transaction."""

    database: Database
    settings: Settings

    async def user(self, username: str = "alice", **fields: Any) -> User:
        fields.setdefault("is_approved", True)
        async with self.database.transaction() as session:
            return await users.create(
                session, self.settings, UserCreate(username=username, **fields)
            )

    async def api_key(self, user: User, name: str = "test") -> str:
        async with self.database.transaction() as session:
            return (await api_keys.create(session, user, ApiKeyCreate(name=name))).secret

    async def user_with_key(self, username: str = "alice", **fields: Any) -> tuple[User, str]:
        user = await self.user(username, **fields)
        return user, await self.api_key(user)

    async def profile(self, user: User, **fields: Any) -> PinterestProfile:
        from pinsmith.kit.crypto import SecretBox

        values = {"pinterest_user_id": "5550001", "username": f"{user.username}_pins"} | fields
        async with self.database.transaction() as session:
            return await profiles.connect(
                session, SecretBox(self.settings.secret_keys), user, ProfileConnect(**values)
            )


@dataclass
class Account:
    """A ready API client identity: an approved user with a key and a connected profile."""

    user: User
    secret: str
    profile: PinterestProfile

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.secret)


async def account(factory: Factory, username: str = "alice", **fields: Any) -> Account:
    fields.setdefault("daily_pin_limit", 1_000)
    user, secret = await factory.user_with_key(username, **fields)
    profile = await factory.profile(user, pinterest_user_id=str(5_550_000 + user.id))
    return Account(user, secret, profile)


@pytest.fixture
def factory(database: Database, settings: Settings) -> Factory:
    return Factory(database, settings)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


# -- pinsmith wired to the Pinterest sandbox, in-process ------------------------------------------

SANDBOX_URL = "http://sandbox.test"
SANDBOX_CLIENT_ID = "1480001"
SANDBOX_CLIENT_SECRET = "pinsmith-test-app-secret"


@pytest.fixture
def sandbox_app() -> FastAPI:
    """The Pinterest sandbox app; its clock is pinsmith's (the ``clock`` fixture moves both)."""
    from pinsmith.kit.time import utcnow
    from pinsmith.sandbox import ClientConfig, SandboxConfig, create_sandbox_app

    return create_sandbox_app(
        SandboxConfig(
            clients=[
                ClientConfig(
                    client_id=SANDBOX_CLIENT_ID,
                    client_secret=SANDBOX_CLIENT_SECRET,
                    redirect_uris=["http://testserver/auth/callback"],
                )
            ],
            clock=utcnow,
        )
    )


@pytest.fixture
def pinterest_sandbox(sandbox_app: FastAPI) -> Sandbox:
    """The sandbox's state, to seed accounts, boards and faults."""
    sandbox: Sandbox = sandbox_app.state.sandbox
    return sandbox


SANDBOXED: dict[str, Any] = {
    "public_url": "http://testserver",
    "pinterest_api_url": f"{SANDBOX_URL}/v5",
    "pinterest_oauth_url": f"{SANDBOX_URL}/oauth/",
    "pinterest_client_id": SANDBOX_CLIENT_ID,
    "pinterest_client_secret": SANDBOX_CLIENT_SECRET,
}


@pytest.fixture
def sandboxed_settings(settings: Settings) -> Settings:
    """The test settings, with Pinterest at the sandbox (extra settings: ``sandboxed_with``)."""
    return sandboxed_with(settings)


def sandboxed_with(settings: Settings, **overrides: Any) -> Settings:
    return make_settings(settings.data_dir, settings.database_url, **(SANDBOXED | overrides))


@pytest.fixture
async def sandboxed_app(
    sandboxed_settings: Settings, sandbox_app: FastAPI
) -> AsyncIterator[FastAPI]:
    """pinsmith whose Pinterest is the sandbox, in-process."""
    transport = ASGITransport(app=sandbox_app)
    application = create_app(sandboxed_settings, migrate=False, pinterest_transport=transport)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def sandboxed_client(sandboxed_app: FastAPI) -> AsyncIterator[AsyncClient]:
    transport = ASGITransport(app=sandboxed_app)
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def sandbox_browser(sandbox_app: FastAPI) -> AsyncIterator[AsyncClient]:
    """A browser on the sandbox's pages (its consent page)."""
    transport = ASGITransport(app=sandbox_app)
    async with AsyncClient(transport=transport, base_url=SANDBOX_URL) as http:
        yield http


@dataclass
class Pinner:
    """A pinsmith user whose selected profile is a sandbox account, connected with its tokens."""

    user: User
    secret: str
    profile_id: int
    account: SandboxUser
    tokens: TokenPair

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.secret)


async def pinner(
    factory: Factory, sandbox: Sandbox, username: str, *, expires_in: int | None = None
) -> Pinner:
    user, secret = await factory.user_with_key(f"{username}_owner", daily_pin_limit=100)
    account = sandbox.add_user(username)
    tokens = await connect(factory, sandbox, user, account, expires_in=expires_in)
    profile = await factory.profile(user, pinterest_user_id=account.id, username=username)
    return Pinner(user, secret, profile.id, account, tokens)


async def connect(
    factory: Factory,
    sandbox: Sandbox,
    user: User,
    account: SandboxUser,
    *,
    expires_in: int | None = None,
) -> TokenPair:
    """Connect the sandbox account to the user as a profile, with tokens the sandbox issued."""
    tokens = sandbox.issue_tokens(account.id, SANDBOX_CLIENT_ID)
    await factory.profile(
        user,
        pinterest_user_id=account.id,
        username=account.username,
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_in=expires_in or 30 * 24 * 3600,
    )
    return tokens
