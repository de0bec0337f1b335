"""The real ``PinterestClient`` against the real sandbox, over two transports.

Every test that takes ``host`` runs twice: ``in-process`` (httpx's ASGI transport, no socket) and
``loopback`` (uvicorn on a real 127.0.0.1 port). One sandbox app serves them all, since FastAPI
builds an app's routes on first use (~60 ms an app, and uvicorn takes ~0.2 s to start and stop);
each test gets a fresh ``Sandbox`` of its own behind it (``app.state.sandbox``). The client and the
sandbox share one controllable clock; nothing waits on the wall clock except the one short read
timeout that a dropped answer needs.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pinsmith.pinterest import (
    AppCredentials,
    PinterestClient,
    PinterestOAuth,
    TokenSet,
)
from pinsmith.sandbox import (
    ALL_SCOPES,
    ClientConfig,
    Sandbox,
    SandboxConfig,
    SandboxUser,
    TokenPair,
    create_sandbox_app,
    serve_in_thread,
)
from tests.conftest import Clock
from tests.pinterest.conftest import RecordingStore

CLIENT_ID = "1484364"
CLIENT_SECRET = "integration-secret"
REDIRECT_URI = "http://pinsmith.test/profiles/oauth/callback"
APP = AppCredentials(CLIENT_ID, CLIENT_SECRET)
START = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
IN_PROCESS_URL = "http://sandbox.test"
TRANSPORTS = ["in-process", "loopback"]


def token_set(pair: TokenPair) -> TokenSet:
    """The sandbox's freshly issued tokens, as a token store holds them."""
    return TokenSet(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_at=pair.access_token_expires_at,
        refresh_token_expires_at=pair.refresh_token_expires_at,
        scopes=pair.scopes,
    )


class HeldAnswers:
    """The sandbox's ``sleep``: each wait (a commit-then-drop answer held back) lasts until
    :meth:`release`, so a client timeout ends the exchange, never a clock.

    Thread-safe: on a loopback port the sandbox waits on the server thread's event loop.
    """

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.entered = threading.Event()
        self._lock = threading.Lock()
        self._released = False
        self._gates: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []

    async def __call__(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        gate: asyncio.Future[None] = loop.create_future()
        with self._lock:
            self.waits.append(seconds)
            if self._released:
                return
            self._gates.append((loop, gate))
        self.entered.set()
        await gate

    async def wait_entered(self) -> None:
        """Until the sandbox holds an answer back (its work for that call is done by then)."""
        entered = await asyncio.to_thread(self.entered.wait, 10.0)
        assert entered, "the sandbox never held an answer back"

    def release(self) -> None:
        with self._lock:
            self._released = True
            gates, self._gates = self._gates, []
        for loop, gate in gates:
            if not loop.is_closed():
                loop.call_soon_threadsafe(_open, gate)


def _open(gate: asyncio.Future[None]) -> None:
    if not gate.done():  # an in-process call that timed out cancelled its wait
        gate.set_result(None)


class TimedASGITransport(httpx.ASGITransport):
    """httpx's ASGI transport ignores timeouts; this one honours the read timeout as a socket
    would (``httpx.ReadTimeout``). Like a server, the app carries on with a call whose client
    gave up; :meth:`aclose` waits for those calls to end."""

    def __init__(self, app: FastAPI) -> None:
        super().__init__(app=app)
        self._abandoned: set[asyncio.Future[httpx.Response]] = set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        read_timeout = request.extensions.get("timeout", {}).get("read")
        answer = asyncio.ensure_future(super().handle_async_request(request))
        try:
            return await asyncio.wait_for(asyncio.shield(answer), read_timeout)
        except TimeoutError as exc:
            self._abandoned.add(answer)
            raise httpx.ReadTimeout(f"no answer within {read_timeout} s", request=request) from exc
        except BaseException:
            answer.cancel()
            raise

    async def aclose(self) -> None:
        await asyncio.gather(*self._abandoned, return_exceptions=True)
        await super().aclose()


@dataclass(frozen=True)
class SandboxApp:
    """The session's sandbox app, and how a test puts a fresh sandbox behind it."""

    app: FastAPI
    routes: frozenset[str]  # what fault rules may name, as create_sandbox_app found them

    @classmethod
    def create(cls) -> SandboxApp:
        app = create_sandbox_app()
        routes = app.state.sandbox.faults.known_routes
        assert routes, "create_sandbox_app names the routes that faults may target"
        return cls(app, routes)

    def install(self, config: SandboxConfig) -> Sandbox:
        """A new, empty sandbox with ``config`` answers every call from now on."""
        sandbox = Sandbox(config)
        sandbox.faults.set_known_routes(self.routes)
        self.app.state.sandbox = sandbox
        return sandbox


@dataclass
class Host:
    """The sandbox as the client reaches it, and what a test needs around it."""

    transport: str
    sandbox: Sandbox
    base_url: str
    http: httpx.AsyncClient  # the clients' transport, also for other calls (authorize page...)
    clock: Clock
    held: HeldAnswers
    _opened: list[PinterestClient | PinterestOAuth] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/v5"

    @property
    def oauth_url(self) -> str:
        return f"{self.base_url}/oauth/"

    def client(self, tokens: TokenSet | RecordingStore, **options: Any) -> PinterestClient:
        """A client of the sandbox (closed after the test); ``options`` as PinterestClient's."""
        store = tokens if isinstance(tokens, RecordingStore) else RecordingStore(tokens)
        options.setdefault("clock", self.clock)
        client = PinterestClient(
            store,
            APP,
            api_url=self.api_url,
            oauth_url=self.oauth_url,
            http=self.http,
            **options,
        )
        self._opened.append(client)
        return client

    def oauth(self) -> PinterestOAuth:
        oauth = PinterestOAuth(
            APP,
            api_url=self.api_url,
            oauth_url=self.oauth_url,
            http=self.http,
            clock=self.clock,
        )
        self._opened.append(oauth)
        return oauth

    def sign_in(self, user: SandboxUser, scopes: tuple[str, ...] = ALL_SCOPES) -> RecordingStore:
        """Tokens of the test app for ``user``, as if they had said Allow."""
        return RecordingStore(token_set(self.sandbox.issue_tokens(user.id, CLIENT_ID, scopes)))

    def account(
        self, username: str, scopes: tuple[str, ...] = ALL_SCOPES, **user_fields: Any
    ) -> Account:
        user = self.sandbox.add_user(username, **user_fields)
        store = self.sign_in(user, scopes)
        return Account(user, store, self.client(store))

    async def reads_left(self, account: Account) -> int:
        """``x-ratelimit-remaining`` of the account's ``org_read`` quota after one more read:
        how many reads the client made shows in it."""
        tokens = await account.store.current()
        answer = await self.http.get(
            "/v5/user_account", headers={"Authorization": f"Bearer {tokens.access_token}"}
        )
        return int(answer.headers["x-ratelimit-remaining"])

    def fault(self, route: str, action: str = "error", **rule: Any) -> None:
        self.sandbox.add_fault({"route": route, "action": action, **rule})

    def fired(self, route: str) -> int:
        """How often the faults on ``route`` that are still active have fired."""
        return sum(f.fired for f in self.sandbox.faults.active() if f.rule.route == route)

    async def aclose(self) -> None:
        for opened in self._opened:
            await opened.aclose()


@dataclass
class Account:
    """A sandbox user and a client holding their tokens."""

    user: SandboxUser
    store: RecordingStore
    client: PinterestClient


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def sandbox_settings() -> dict[str, Any]:
    """More ``SandboxConfig`` fields; a test overrides it with ``pytest.mark.parametrize``."""
    return {}


@pytest.fixture(scope="package")
def sandbox_app() -> SandboxApp:
    return SandboxApp.create()


@pytest.fixture(scope="package")
def loopback_url(sandbox_app: SandboxApp) -> Iterator[str]:
    """Served for this package's tests only: the server stops before other tests run."""
    with serve_in_thread(sandbox_app.app) as base_url:
        yield base_url


@pytest.fixture(params=TRANSPORTS)
async def host(
    request: pytest.FixtureRequest,
    sandbox_app: SandboxApp,
    clock: Clock,
    sandbox_settings: dict[str, Any],
) -> AsyncIterator[Host]:
    held = HeldAnswers()
    client = ClientConfig(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uris=[REDIRECT_URI]
    )
    config = SandboxConfig(clients=[client], clock=clock, sleep=held, **sandbox_settings)
    sandbox = sandbox_app.install(config)
    if request.param == "in-process":
        base_url = IN_PROCESS_URL
        transport = TimedASGITransport(sandbox_app.app)
        http = httpx.AsyncClient(transport=transport, base_url=base_url)
    else:
        base_url = request.getfixturevalue("loopback_url")
        # Plain http: no certificate store to load (that alone costs ~50 ms a client).
        http = httpx.AsyncClient(base_url=base_url, verify=False, timeout=10.0)  # noqa: S501
    host = Host(request.param, sandbox, base_url, http, clock, held)
    try:
        yield host
    finally:
        held.release()  # the sandbox finishes any answer it held back...
        await host.aclose()
        await http.aclose()  # ...and the in-process transport waits for it


@pytest.fixture
def alice(host: Host) -> Account:
    return host.account("alice")


@pytest.fixture
def bob(host: Host) -> Account:
    return host.account("bob")
