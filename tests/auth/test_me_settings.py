"""A user's own setting for board selection: ``auto_create_boards`` (API and CLI)."""

from __future__ import annotations

import asyncio

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from typer.testing import CliRunner

from pinsmith.cli import app
from pinsmith.config import Settings
from pinsmith.kit.db import Database
from pinsmith.models import User
from tests.conftest import TEST_SECRET_KEY, Factory, bearer

pytestmark = pytest.mark.db


async def stored(database: Database, username: str) -> User:
    async with database.transaction(write=False) as session:
        return (await session.execute(select(User).where(User.username == username))).scalar_one()


async def test_new_accounts_make_boards_for_pins_that_fit_none(
    client: AsyncClient, factory: Factory
) -> None:
    _, secret = await factory.user_with_key("alice")

    response = await client.get("/auth/me", headers=bearer(secret))

    assert response.json()["auto_create_boards"] is True


async def test_a_user_turns_it_off_and_on_again(
    client: AsyncClient, factory: Factory, database: Database
) -> None:
    _, secret = await factory.user_with_key("alice")

    off = await client.patch("/auth/me", json={"auto_create_boards": False}, headers=bearer(secret))
    kept = await client.patch("/auth/me", json={}, headers=bearer(secret))
    off_in_db = (await stored(database, "alice")).auto_create_boards
    on = await client.patch("/auth/me", json={"auto_create_boards": True}, headers=bearer(secret))

    assert off.status_code == 200, off.text
    assert off.json()["auto_create_boards"] is False
    assert kept.json()["auto_create_boards"] is False
    assert off_in_db is False
    assert on.json()["auto_create_boards"] is True


@pytest.mark.parametrize(
    "body", [{"auto_create_boards": "maybe"}, {"plan": "pro"}, {"is_admin": True}]
)
async def test_only_the_users_own_settings_can_be_changed(
    client: AsyncClient, factory: Factory, database: Database, body: dict[str, object]
) -> None:
    _, secret = await factory.user_with_key("alice")

    response = await client.patch("/auth/me", json=body, headers=bearer(secret))

    assert response.status_code == 422
    assert not (await stored(database, "alice")).is_admin


async def test_changing_settings_needs_a_caller(client: AsyncClient) -> None:
    response = await client.patch("/auth/me", json={"auto_create_boards": False})

    assert response.status_code == 401


async def test_an_admin_sets_it_from_the_command_line(
    settings: Settings, factory: Factory, database: Database
) -> None:
    await factory.user("ivy")
    env = {
        "PINSMITH_DATABASE_URL": settings.database_url,
        "PINSMITH_SECRET_KEYS": TEST_SECRET_KEY,
        "PINSMITH_DATA_DIR": str(settings.data_dir),
    }
    runner = CliRunner()

    off = await asyncio.to_thread(
        runner.invoke, app, ["users", "set", "ivy", "--no-auto-create-boards"], env=env
    )
    off_in_db = (await stored(database, "ivy")).auto_create_boards
    on = await asyncio.to_thread(
        runner.invoke, app, ["users", "set", "ivy", "--auto-create-boards"], env=env
    )

    assert (off.exit_code, on.exit_code) == (0, 0)
    assert off_in_db is False
    assert (await stored(database, "ivy")).auto_create_boards is True
