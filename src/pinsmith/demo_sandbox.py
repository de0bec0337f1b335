"""pinsmith's own Pinterest sandbox as the CLI runs it.

``pinsmith sandbox`` and ``pinsmith demo`` share: the local app pinsmith signs in with (the dev
client), the environment that points pinsmith at a sandbox, and a sandbox server on a socket
bound in advance. The demo adds its Pinterest account: a food, home and travel blogger with a
dozen boards, seeded idempotently, and tokens that stay valid across restarts.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI

from pinsmith.config import Settings
from pinsmith.pinterest.oauth import DEFAULT_SCOPES
from pinsmith.sandbox import (
    ClientConfig,
    Sandbox,
    SandboxConfig,
    SandboxUser,
    TokenPair,
    create_sandbox_app,
    serve_in_thread,
)
from pinsmith.sandbox.auth import authenticate
from pinsmith.sandbox.entities import BoardPrivacy
from pinsmith.sandbox.errors import SandboxError

#: The app registered with a local sandbox when pinsmith's settings name none. Not a secret: it
#: only opens a sandbox on your own machine.
DEV_CLIENT_ID = "pinsmith-dev"
DEV_CLIENT_SECRET = "pinsmith-dev-secret"  # noqa: S105 - a documented local development value
DEFAULT_SANDBOX_PORT = 8001
#: The demo sandbox's accounts, boards and tokens, kept in the data dir across restarts.
DEMO_STATE_FILE = "sandbox.db"
#: Tokens that would expire sooner than this are replaced when the demo starts.
TOKEN_RENEWAL_MARGIN = timedelta(days=1)
STARTUP_TIMEOUT = 10.0


def dev_client(redirect_uris: list[str]) -> ClientConfig:
    return ClientConfig(
        client_id=DEV_CLIENT_ID, client_secret=DEV_CLIENT_SECRET, redirect_uris=redirect_uris
    )


# -- where a sandbox listens --------------------------------------------------------------------


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free one); OSError when it cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family)


def listen_near(host: str, port: int) -> socket.socket:
    """``port`` if it is free, else any free port (the demo's sandbox sits next to the app)."""
    if 0 < port <= 65535:
        try:
            return listen(host, port)
        except OSError:
            pass
    return listen(host, 0)


@dataclass(frozen=True)
class SandboxAddress:
    """Where a sandbox answers: its API under ``/v5`` and its OAuth page at ``/oauth/``."""

    base_url: str

    @classmethod
    def of(cls, listener: socket.socket) -> SandboxAddress:
        host, port = listener.getsockname()[:2]
        return cls(f"http://{url_host(host)}:{port}")

    @classmethod
    def at(cls, host: str, port: int) -> SandboxAddress:
        return cls(f"http://{url_host(host)}:{port}")

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/v5"

    @property
    def oauth_url(self) -> str:
        return f"{self.base_url}/oauth/"


def url_host(host: str) -> str:
    """The host as a URL names it: a wildcard address becomes loopback, IPv6 gets brackets."""
    if host in {"0.0.0.0", ""}:  # noqa: S104 - naming the wildcard, not binding to it
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def environment(
    address: SandboxAddress, client: ClientConfig, *, with_credentials: bool = True
) -> dict[str, str]:
    """The PINSMITH_PINTEREST_* variables that point pinsmith at this sandbox and its app."""
    variables = {
        "PINSMITH_PINTEREST_API_URL": address.api_url,
        "PINSMITH_PINTEREST_OAUTH_URL": address.oauth_url,
    }
    if with_credentials:
        variables["PINSMITH_PINTEREST_CLIENT_ID"] = client.client_id
        variables["PINSMITH_PINTEREST_CLIENT_SECRET"] = client.client_secret
    if client.redirect_uris:
        variables["PINSMITH_PINTEREST_REDIRECT_URI"] = client.redirect_uris[0]
    return variables


@contextmanager
def serving(app: FastAPI, listener: socket.socket) -> Iterator[None]:
    """Serve a sandbox app on ``listener`` in a thread until the block ends, also on Ctrl-C;
    :class:`SandboxNotStarted` when it cannot."""
    try:
        with serve_in_thread(app, listener=listener, startup_timeout=STARTUP_TIMEOUT):
            yield
    finally:
        listener.close()


# -- the demo's Pinterest account ---------------------------------------------------------------


@dataclass(frozen=True)
class BoardPlan:
    name: str
    description: str
    sections: tuple[str, ...] = ()
    privacy: BoardPrivacy = "PUBLIC"


DEMO_PINTEREST_USERNAME = "demo_pinner"
DEMO_BUSINESS_NAME = "Saffron & Suitcase"
DEMO_ABOUT = "Recipes, a small flat made cosy, and slow travel, from a home kitchen in Lisbon."
DEMO_WEBSITE = "https://saffron-and-suitcase.example"

DEMO_BOARDS: tuple[BoardPlan, ...] = (
    BoardPlan(
        "Weeknight Dinners",
        "Dinners on the table in 30 minutes: sheet-pan suppers, one-pot pastas, quick curries.",
        ("Sheet-pan suppers", "One-pot pasta", "Curries & stews"),
    ),
    BoardPlan(
        "Sourdough & Baking",
        "Keeping a starter alive, open-crumb loaves and the weekend bakes that follow.",
        ("Starter care", "Loaves", "Sweet bakes", "Focaccia"),
    ),
    BoardPlan(
        "Meal Prep Sundays",
        "Batch cooking that still tastes good on Thursday: grain bowls, soups and sauces.",
    ),
    BoardPlan(
        "Plant-Based Favorites",
        "Vegetables first: hearty salads, lentil everything and dairy-free desserts.",
        ("Salads", "Lentils & beans"),
    ),
    BoardPlan(
        "Holiday Baking",
        "Cookie tins, festive breads and pies for the holidays.",
        ("Christmas cookies", "Easter breads", "Thanksgiving pies"),
    ),
    BoardPlan(
        "Small Kitchen Organization",
        "Storage, shelving and pantry tricks for a kitchen the size of a cupboard.",
        ("Pantry", "Open shelving"),
    ),
    BoardPlan(
        "Cozy Living Room Ideas",
        "Warm lighting, layered textiles and reading corners for rented flats.",
    ),
    BoardPlan(
        "Balcony Garden",
        "Herbs, tomatoes and flowers on three square metres of balcony.",
        ("Herbs", "Containers & planters"),
    ),
    BoardPlan(
        "DIY Home Projects",
        "Weekend projects: painted furniture, simple shelves and renter-friendly upgrades.",
    ),
    BoardPlan(
        "Weekend Getaways in Europe",
        "Two- and three-day trips by train: where to stay, eat and walk.",
        ("Portugal", "Spain", "Italy", "France"),
    ),
    BoardPlan(
        "Road Trip Essentials",
        "Packing lists, snacks that travel well and routes with the best viewpoints.",
    ),
    BoardPlan(
        "Recipe Testing",
        "Recipes still in the test kitchen, before they reach the blog.",
        privacy="SECRET",
    ),
)


def demo_config(settings: Settings) -> SandboxConfig:
    """The demo's sandbox: the dev app with pinsmith's callback, its state in the data dir."""
    return SandboxConfig(
        clients=[dev_client([settings.pinterest_callback_url])],
        state_path=demo_state_path(settings.data_dir),
    )


def demo_state_path(data_dir: Path) -> Path:
    return data_dir / DEMO_STATE_FILE


def seed_demo_account(sandbox: Sandbox) -> SandboxUser:
    """The demo's Pinterest account with its boards and sections; what exists is kept, so a
    second run adds nothing."""
    user = sandbox.user_by_username(DEMO_PINTEREST_USERNAME) or sandbox.add_user(
        DEMO_PINTEREST_USERNAME,
        business_name=DEMO_BUSINESS_NAME,
        about=DEMO_ABOUT,
        website_url=DEMO_WEBSITE,
        monthly_views=48_200,
    )
    boards = {board.name: board for board in sandbox.boards_of(user.id)}
    for plan in DEMO_BOARDS:
        board = boards.get(plan.name) or sandbox.add_board(
            user.id, plan.name, plan.description, plan.privacy
        )
        existing = {section.name for section in sandbox.sections_of(board.id)}
        for name in plan.sections:
            if name not in existing:
                sandbox.add_section(board.id, name)
    return user


@dataclass(frozen=True)
class DemoPinterestAccount:
    """The demo's account in the sandbox, and the app (client) pinsmith uses there."""

    sandbox: Sandbox
    user: SandboxUser
    client_id: str

    def renewed_tokens(self, access_token: str | None) -> TokenPair | None:
        """New tokens when ``access_token`` would not be accepted (unknown, revoked, of another
        account or app, or expiring within a day); None when it is still good."""
        if access_token is not None and self._accepts(access_token):
            return None
        return self.sandbox.issue_tokens(self.user.id, self.client_id, DEFAULT_SCOPES)

    def _accepts(self, access_token: str) -> bool:
        """The sandbox's own check of the token, and a day of life left in it."""
        try:
            caller = authenticate(self.sandbox, f"Bearer {access_token}")
        except SandboxError:
            return False
        expires_at = self.sandbox.state.access_tokens[access_token].expires_at
        return (
            caller.user.id == self.user.id
            and caller.client_id == self.client_id
            and expires_at - self.sandbox.now() > TOKEN_RENEWAL_MARGIN
        )


def prepare_demo_sandbox(settings: Settings) -> tuple[FastAPI, DemoPinterestAccount]:
    """The demo's sandbox app, seeded, with its Pinterest account (state from the data dir)."""
    app = create_sandbox_app(demo_config(settings))
    sandbox: Sandbox = app.state.sandbox
    account = DemoPinterestAccount(sandbox, seed_demo_account(sandbox), DEV_CLIENT_ID)
    return app, account
