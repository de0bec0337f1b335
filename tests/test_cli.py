from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from httpx import AsyncClient
from sqlalchemy import select, text
from typer.testing import CliRunner

from pinsmith.cli import app
from pinsmith.config import Settings
from pinsmith.kit.crypto import SecretBox, is_valid_secret_key
from pinsmith.kit.db import Database
from pinsmith.models import PinterestProfile, User
from pinsmith.profiles import service as profiles
from pinsmith.quotas.plans import PlanName
from tests.conftest import TEST_SECRET_KEY, bearer

runner = CliRunner()


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    """The CLI pointed at the test database (SQLite or PostgreSQL)."""
    return {
        "PINSMITH_DATABASE_URL": settings.database_url,
        "PINSMITH_SECRET_KEYS": TEST_SECRET_KEY,
        "PINSMITH_DATA_DIR": str(settings.data_dir),
    }


async def invoke(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in a thread: it starts its own event loop, as it does from a shell."""
    result = await asyncio.to_thread(runner.invoke, app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


async def user_row(database: Database, username: str) -> User:
    async with database.transaction(write=False) as session:
        return (await session.execute(select(User).where(User.username == username))).scalar_one()


async def test_users_create_list_set_approve_suspend(
    env: dict[str, str], database: Database
) -> None:
    code, out, _ = await invoke(
        env,
        "users",
        "create",
        "ivy",
        "--timezone",
        "Europe/Lisbon",
        "--plan",
        "growth",
        "--daily-pin-limit",
        "7",
        "--credits",
        "30",
    )
    assert code == 0
    assert "created user ivy" in out
    assert "pending approval" in out
    created = await user_row(database, "ivy")
    assert (created.plan, created.daily_pin_limit, created.credits) == (PlanName.GROWTH, 7, 30)
    assert created.timezone == "Europe/Lisbon"
    assert not created.is_approved

    assert (await invoke(env, "users", "approve", "ivy"))[0] == 0
    assert (await user_row(database, "ivy")).is_approved

    code, _, _ = await invoke(env, "users", "set", "ivy", "--credits", "unlimited", "--admin")
    changed = await user_row(database, "ivy")
    assert code == 0
    assert changed.credits is None
    assert changed.is_admin
    assert changed.plan is PlanName.GROWTH

    assert (await invoke(env, "users", "suspend", "ivy"))[0] == 0
    assert (await user_row(database, "ivy")).is_suspended
    code, out, _ = await invoke(env, "users", "list")
    assert code == 0
    assert "ivy" in out
    assert "suspended" in out
    assert (await invoke(env, "users", "unsuspend", "ivy"))[0] == 0
    assert not (await user_row(database, "ivy")).is_suspended


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("users", "create", "jo", "--timezone", "Mars/Base"),
            "--timezone: unknown IANA time zone",
        ),
        (("users", "create", "bad name"), "USERNAME:"),
        (("users", "create", "jo", "--credits", "lots"), "--credits must be a number"),
        (("users", "create", "jo", "--credits", "-3"), "--credits must be 0 or more"),
        (("users", "set", "nobody", "--plan", "pro"), "User 'nobody' not found"),
        (("users", "set", "nobody"), "nothing to change"),
        (("users", "approve", "nobody"), "User 'nobody' not found"),
        (("keys", "create", "nobody", "--name", "x"), "User 'nobody' not found"),
        (
            (
                "profiles",
                "add",
                "nobody",
                "--pinterest-user-id",
                "12x",
                "--pinterest-username",
                "n",
            ),
            "--pinterest-user-id:",
        ),
    ],
)
async def test_mistakes_end_in_one_error_line(
    env: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    code, _, err = await invoke(env, *args)

    assert code == 1
    assert message in err
    assert err.startswith("error:")
    assert "Traceback" not in err


async def test_a_duplicate_user_is_refused(env: dict[str, str]) -> None:
    await invoke(env, "users", "create", "kim")

    code, _, err = await invoke(env, "users", "create", "kim")

    assert code == 1
    assert "User 'kim' already exists" in err


async def test_keys_create_prints_only_a_working_secret(
    env: dict[str, str], client: AsyncClient
) -> None:
    await invoke(env, "users", "create", "lee", "--approve")

    code, out, _ = await invoke(env, "keys", "create", "lee", "--name", "n8n")

    assert code == 0
    assert re.fullmatch(r"sk_pinsmith_[0-9a-f]{64}\n", out)
    me = await client.get("/auth/me", headers=bearer(out.strip()))
    assert me.status_code == 200
    assert me.json()["username"] == "lee"


async def test_profiles_add_stores_the_token_encrypted(
    env: dict[str, str], database: Database
) -> None:
    await invoke(env, "users", "create", "max", "--approve")

    code, out, _ = await invoke(
        env,
        "profiles",
        "add",
        "max",
        "--pinterest-user-id",
        "987654",
        "--pinterest-username",
        "max_pins",
        "--access-token",
        "pina_cli_token",
        "--refresh-token",
        "pinr_cli_refresh",
        "--expires-in",
        "2592000",
    )

    assert code == 0
    assert "connected Pinterest account max_pins to max (selected)" in out
    async with database.transaction(write=False) as session:
        raw = await session.execute(text("SELECT access_token_encrypted FROM pinterest_profiles"))
        assert "pina_cli_token" not in str(raw.all())
        profile = (await session.execute(select(PinterestProfile))).scalar_one()
    tokens = profiles.tokens(SecretBox([TEST_SECRET_KEY]), profile)
    assert (tokens.access_token, tokens.refresh_token) == ("pina_cli_token", "pinr_cli_refresh")


async def test_db_upgrade_reports_an_up_to_date_database(env: dict[str, str]) -> None:
    code, out, _ = await invoke(env, "db", "upgrade")

    assert code == 0
    assert "database is up to date" in out


def test_secret_key_prints_a_usable_key() -> None:
    result = runner.invoke(app, ["secret-key"])

    assert result.exit_code == 0
    assert is_valid_secret_key(result.stdout.strip())


def test_postgresql_without_secret_keys_refuses_to_start(tmp_path: Path) -> None:
    env = {
        "PINSMITH_DATABASE_URL": "postgresql://p@127.0.0.1:1/p",
        "PINSMITH_DATA_DIR": str(tmp_path),
    }

    result = runner.invoke(app, ["serve"], env=env)

    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "PINSMITH_SECRET_KEYS must be set" in result.stderr


def test_an_unreachable_database_refuses_to_start(tmp_path: Path) -> None:
    env = {
        "PINSMITH_DATABASE_URL": "postgresql://p:hunter2@127.0.0.1:1/p",
        "PINSMITH_SECRET_KEYS": TEST_SECRET_KEY,
        "PINSMITH_DATA_DIR": str(tmp_path),
    }

    result = runner.invoke(app, ["serve"], env=env)

    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot reach the database")
    assert result.stderr.count("\n") == 1
    assert "hunter2" not in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["serve"],
        ["worker"],
        ["demo"],
        ["db"],
        ["db", "upgrade"],
        ["db", "reencrypt"],
        ["users"],
        ["users", "create"],
        ["users", "set"],
        ["users", "list"],
        ["keys", "create"],
        ["profiles", "add"],
        ["sandbox"],
        ["secret-key"],
        ["render"],
        ["templates"],
        ["templates", "list"],
        ["templates", "fonts"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])

    assert result.exit_code == 0
    assert "Usage" in result.stdout


def test_the_console_script_is_installed() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "pinsmith", "--version"], capture_output=True, text=True, check=False
    )

    assert completed.returncode == 0
    assert completed.stdout.startswith("pinsmith ")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = _free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("PINSMITH_")}
    env |= {"PINSMITH_DATA_DIR": str(tmp_path / "demo"), "COLUMNS": "200"}
    process = subprocess.Popen(
        [sys.executable, "-m", "pinsmith", "demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        yield process, port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _read_key_and_wait(process: subprocess.Popen[str], port: int) -> tuple[str, str]:
    """The API key and the sandbox's API URL the demo prints, once its server answers."""
    assert process.stdout is not None
    key = sandbox_api = None
    for line in process.stdout:
        found = re.search(r"API key: (sk_pinsmith_[0-9a-f]{64})", line)
        key = found.group(1) if found else key
        found = re.search(r"Pinterest sandbox: API (http://\S+/v5)", line)
        sandbox_api = found.group(1) if found else sandbox_api
        if line.lstrip().startswith("data:"):
            break
    assert key, "the demo printed no API key"
    assert sandbox_api, "the demo printed no sandbox address"
    for _ in range(200):  # up to ~20 s for the server to listen; not a timing assertion
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return key, sandbox_api
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the demo server never answered")


def _demo_pinterest_token(data_dir: Path) -> str:
    """The access token the demo stored (encrypted) on its Pinterest profile."""
    import sqlite3

    key = (data_dir / "secret_keys").read_text(encoding="ascii").strip()
    with sqlite3.connect(data_dir / "pinsmith.db") as connection:
        (encrypted,) = connection.execute(
            "SELECT access_token_encrypted FROM pinterest_profiles"
        ).fetchone()
    return SecretBox([key]).decrypt(encrypted)


def _sandbox_board_names(sandbox_api: str, data_dir: Path) -> list[str]:
    boards = httpx.get(
        f"{sandbox_api}/boards", headers=bearer(_demo_pinterest_token(data_dir)), timeout=10
    )
    assert boards.status_code == 200
    return [board["name"] for board in boards.json()["items"]]


def test_demo_serves_a_ready_account_with_the_same_key_on_every_run(
    demo_server: tuple[subprocess.Popen[str], int], tmp_path: Path
) -> None:
    process, port = demo_server
    key, sandbox_api = _read_key_and_wait(process, port)

    me = httpx.get(f"http://127.0.0.1:{port}/auth/me", headers=bearer(key), timeout=10)

    assert me.status_code == 200
    assert me.json()["username"] == "demo"
    boards = _sandbox_board_names(sandbox_api, tmp_path / "demo")
    assert len(boards) == 12
    proxied = httpx.get(f"http://127.0.0.1:{port}/boards", headers=bearer(key), timeout=10)
    assert proxied.status_code == 200
    assert sorted(board["name"] for board in proxied.json()["items"]) == sorted(boards)
    process.terminate()
    process.wait(timeout=30)
    again = subprocess.Popen(
        [sys.executable, "-m", "pinsmith", "demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("PINSMITH_")},
            "PINSMITH_DATA_DIR": str(tmp_path / "demo"),
            "COLUMNS": "200",
        },
    )
    try:
        key_again, sandbox_api = _read_key_and_wait(again, port)
        assert key_again == key
        assert _sandbox_board_names(sandbox_api, tmp_path / "demo") == boards
    finally:
        again.terminate()
        again.wait(timeout=30)
