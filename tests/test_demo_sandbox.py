"""The demo's Pinterest: a seeded sandbox account whose tokens the demo profile holds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from pinsmith import demo
from pinsmith.config import Settings
from pinsmith.demo_sandbox import (
    DEMO_BOARDS,
    DEMO_PINTEREST_USERNAME,
    DEV_CLIENT_ID,
    DemoPinterestAccount,
    demo_state_path,
    dev_client,
    prepare_demo_sandbox,
    seed_demo_account,
)
from pinsmith.kit.crypto import SecretBox
from pinsmith.kit.db import Database
from pinsmith.models import PinterestProfile, User
from pinsmith.profiles import service as profiles
from pinsmith.profiles.schemas import ProfileConnect
from pinsmith.sandbox import SandboxConfig, create_sandbox_app
from pinsmith.users import service as users
from pinsmith.users.schemas import UserCreate


@asynccontextmanager
async def pinterest(app: FastAPI, access_token: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the sandbox app, authenticated with ``access_token``."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://sandbox.test",
        headers={"Authorization": f"Bearer {access_token}"},
    ) as http:
        yield http


async def start_demo(database: Database, settings: Settings) -> tuple[FastAPI, str]:
    """What ``pinsmith demo`` does before serving: the seeded sandbox, then the demo account.
    Returns the sandbox app and the access token stored (encrypted) on the demo profile."""
    app, account = prepare_demo_sandbox(settings)
    async with database.transaction() as session:
        await demo.prepare(session, settings, demo.read_stored_key(settings), account)
    return app, await stored_access_token(database, settings)


async def demo_profiles(database: Database) -> list[PinterestProfile]:
    async with database.transaction(write=False) as session:
        rows = await session.execute(
            select(PinterestProfile).join(User).where(User.username == demo.DEMO_USERNAME)
        )
        return list(rows.scalars())


async def stored_access_token(database: Database, settings: Settings) -> str:
    (profile,) = await demo_profiles(database)
    token = profiles.tokens(SecretBox(settings.secret_keys), profile).access_token
    assert token is not None
    return token


def test_seeding_twice_and_after_a_restart_adds_nothing(settings: Settings) -> None:
    app, first = prepare_demo_sandbox(settings)
    again = seed_demo_account(app.state.sandbox)
    restarted, after_restart = prepare_demo_sandbox(settings)

    sandbox = restarted.state.sandbox
    assert first.user.id == again.id == after_restart.user.id
    assert [user.username for user in sandbox.users()] == [DEMO_PINTEREST_USERNAME]
    boards = sandbox.boards_of(after_restart.user.id)
    assert [board.name for board in boards] == [plan.name for plan in DEMO_BOARDS]
    assert len(boards) == 12
    for board, plan in zip(boards, DEMO_BOARDS, strict=True):
        assert board.description == plan.description
        assert [section.name for section in sandbox.sections_of(board.id)] == list(plan.sections)
    assert sum(1 for plan in DEMO_BOARDS if 2 <= len(plan.sections) <= 4) >= 4
    assert demo_state_path(settings.data_dir).is_file()


async def test_the_demo_profile_holds_a_token_the_sandbox_accepts(
    database: Database, settings: Settings
) -> None:
    app, token = await start_demo(database, settings)

    async with pinterest(app, token) as http:
        account = await http.get("/v5/user_account")
        boards = await http.get("/v5/boards")

    assert account.status_code == 200
    assert account.json()["username"] == DEMO_PINTEREST_USERNAME
    assert boards.status_code == 200
    assert [board["name"] for board in boards.json()["items"]] == [p.name for p in DEMO_BOARDS]
    (profile,) = await demo_profiles(database)
    assert profile.pinterest_user_id == account.json()["id"]
    assert profile.username == DEMO_PINTEREST_USERNAME
    assert profile.is_selected
    assert profile.token_expires_at is not None
    assert token not in (profile.access_token_encrypted or "")


async def test_a_restart_keeps_the_token_and_the_boards(
    database: Database, settings: Settings
) -> None:
    _, first_token = await start_demo(database, settings)

    app, token = await start_demo(database, settings)

    assert token == first_token
    assert len(app.state.sandbox.state.grants) == 1
    async with pinterest(app, token) as http:
        boards = await http.get("/v5/boards")
    assert len(boards.json()["items"]) == 12
    assert len(await demo_profiles(database)) == 1


async def test_a_token_the_sandbox_no_longer_knows_is_replaced(
    database: Database, settings: Settings
) -> None:
    _, old_token = await start_demo(database, settings)
    demo_state_path(settings.data_dir).unlink()  # the sandbox starts over

    app, token = await start_demo(database, settings)

    assert token != old_token
    async with pinterest(app, token) as http:
        assert (await http.get("/v5/user_account")).status_code == 200
    async with pinterest(app, old_token) as http:
        assert (await http.get("/v5/user_account")).status_code == 401


async def test_a_profile_of_an_older_demo_gives_way_to_the_sandbox_account(
    database: Database, settings: Settings
) -> None:
    async with database.transaction() as session:
        user = await users.create(
            session,
            settings,
            UserCreate(username=demo.DEMO_USERNAME, pinterest_user_id="1000000001"),
        )
        await profiles.connect(
            session,
            SecretBox(settings.secret_keys),
            user,
            ProfileConnect(pinterest_user_id="1000000001", username="demo_pinner"),
        )

    app, _ = await start_demo(database, settings)

    (profile,) = await demo_profiles(database)
    sandbox_user = app.state.sandbox.user_by_username(DEMO_PINTEREST_USERNAME)
    assert profile.pinterest_user_id == sandbox_user.id
    assert profile.is_selected
    async with database.transaction(write=False) as session:
        user = await users.get_by_username(session, demo.DEMO_USERNAME)
    assert user.pinterest_user_id == sandbox_user.id
    assert user.is_approved


def test_tokens_about_to_expire_are_renewed() -> None:
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    app = create_sandbox_app(
        SandboxConfig(clients=[dev_client([])], access_token_lifetime=3600, clock=lambda: now)
    )
    sandbox = app.state.sandbox
    account = DemoPinterestAccount(sandbox, seed_demo_account(sandbox), DEV_CLIENT_ID)
    short_lived = sandbox.issue_tokens(account.user.id, DEV_CLIENT_ID)

    renewed = account.renewed_tokens(short_lived.access_token)

    assert renewed is not None
    assert renewed.access_token != short_lived.access_token
    assert renewed.access_token_expires_at == now + timedelta(hours=1)
    assert account.renewed_tokens(None) is not None
    assert account.renewed_tokens("pina_unknown") is not None
