"""``pinsmith sandbox``: its help, its mistakes, and the sandbox it hands to ``run_sandbox``."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from pinsmith.cli import app
from pinsmith.demo_sandbox import DEV_CLIENT_ID, DEV_CLIENT_SECRET
from pinsmith.sandbox import Sandbox
from tests.conftest import TEST_SECRET_KEY

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"PINSMITH_DATA_DIR": str(tmp_path / "data"), "PINSMITH_SECRET_KEYS": TEST_SECRET_KEY}


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What ``run_sandbox`` would serve: uvicorn's options and the app (nothing listens)."""
    from pinsmith.sandbox import server

    calls: dict[str, Any] = {}

    def fake_run(app: FastAPI, **options: Any) -> None:
        calls.update(options, app=app)

    monkeypatch.setattr(server.uvicorn, "run", fake_run)
    return calls


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def sandbox_of(served: dict[str, Any]) -> Sandbox:
    sandbox: Sandbox = served["app"].state.sandbox
    return sandbox


def test_help_explains_the_three_pinterests() -> None:
    result = runner.invoke(app, ["sandbox", "--help"])

    text = " ".join(result.stdout.split())
    assert result.exit_code == 0
    # The real Pinterest: an app, its id and secret, the redirect URI.
    assert "developers.pinterest.com" in text
    assert "PINSMITH_PINTEREST_CLIENT_ID" in text
    assert "PINSMITH_PINTEREST_CLIENT_SECRET" in text
    assert "<PUBLIC_URL>/auth/callback" in text
    # Pinterest's sandbox host: its URL and a pasted token.
    assert "PINSMITH_PINTEREST_API_URL=https://api-sandbox.pinterest.com/v5" in text
    assert "pinsmith profiles add" in text
    # Ours, with the dev app it registers.
    assert "This sandbox" in text
    assert f"client id {DEV_CLIENT_ID}, secret {DEV_CLIENT_SECRET}" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "0"], "--port must be between 1 and 65535"),
        (["--port", "70000"], "--port must be between 1 and 65535"),
        (["--redirect-uri", "ftp://example.com/cb"], "--redirect-uri 'ftp://example.com/cb' is"),
        (["--redirect-uri", "/auth/callback"], "is not an http(s) URL"),
        (["--redirect-uri", "https://"], "is not an http(s) URL"),
        (["--client-id", "123"], "--client-id and --client-secret go together"),
        (["--client-secret", "s"], "--client-id and --client-secret go together"),
        (["--user", "12345"], "--user '12345' is not a Pinterest username"),
    ],
)
def test_bad_input_ends_in_one_error_line(
    env: dict[str, str], served: dict[str, Any], args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["sandbox", *args], env=env)

    assert result.exit_code == 1
    assert result.stderr.startswith("error:")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert not served


def test_a_state_path_that_cannot_be_opened_is_refused(
    env: dict[str, str], served: dict[str, Any], tmp_path: Path
) -> None:
    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("shopping list\n", encoding="utf-8")
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("", encoding="utf-8")

    for state in (tmp_path, not_a_database, blocked / "state.db"):
        result = runner.invoke(app, ["sandbox", "--state", str(state)], env=env)

        assert result.exit_code == 1
        assert result.stderr.startswith(f"error: --state {state} cannot be used")
        assert result.stderr.count("\n") == 1
    assert not served


def test_a_port_in_use_is_one_error_line(env: dict[str, str], served: dict[str, Any]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = runner.invoke(app, ["sandbox", "--port", str(port)], env=env)

    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}")
    assert not served


def test_by_default_it_registers_the_dev_app_for_pinsmiths_callback(
    env: dict[str, str], served: dict[str, Any]
) -> None:
    port = free_port()

    result = runner.invoke(app, ["sandbox", "--port", str(port)], env=env)

    assert result.exit_code == 0, result.stderr
    assert (served["host"], served["port"]) == ("127.0.0.1", port)
    sandbox = sandbox_of(served)
    client = sandbox.client(DEV_CLIENT_ID)
    assert client is not None
    assert client.client_secret == DEV_CLIENT_SECRET
    assert client.redirect_uris == ["http://127.0.0.1:8000/auth/callback"]
    pinner = sandbox.user_by_username("pinner")
    assert pinner is not None
    assert len(sandbox.boards_of(pinner.id)) == 3
    assert sandbox.config.state_path is None
    assert f"export PINSMITH_PINTEREST_API_URL=http://127.0.0.1:{port}/v5" in result.stdout
    assert f"export PINSMITH_PINTEREST_OAUTH_URL=http://127.0.0.1:{port}/oauth/" in result.stdout
    assert f"export PINSMITH_PINTEREST_CLIENT_ID={DEV_CLIENT_ID}" in result.stdout
    assert f"export PINSMITH_PINTEREST_CLIENT_SECRET={DEV_CLIENT_SECRET}" in result.stdout


def test_it_registers_the_app_of_pinsmiths_settings_without_printing_its_secret(
    env: dict[str, str], served: dict[str, Any]
) -> None:
    env |= {
        "PINSMITH_PINTEREST_CLIENT_ID": "1484364",
        "PINSMITH_PINTEREST_CLIENT_SECRET": "real-app-secret",
        "PINSMITH_PUBLIC_URL": "https://pins.example.com",
    }

    result = runner.invoke(app, ["sandbox", "--port", str(free_port())], env=env)

    assert result.exit_code == 0, result.stderr
    client = sandbox_of(served).client("1484364")
    assert client is not None
    assert client.client_secret == "real-app-secret"
    assert client.redirect_uris == ["https://pins.example.com/auth/callback"]
    assert sandbox_of(served).client(DEV_CLIENT_ID) is None
    assert "real-app-secret" not in result.stdout
    assert "PINSMITH_PINTEREST_CLIENT_SECRET=" not in result.stdout


def test_options_name_the_app_its_redirect_uris_the_users_and_the_state_file(
    env: dict[str, str], served: dict[str, Any], tmp_path: Path
) -> None:
    port = free_port()
    state = tmp_path / "sandbox" / "state.db"

    result = runner.invoke(
        app,
        [
            "sandbox",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--state",
            str(state),
            "--client-id",
            "42",
            "--client-secret",
            "s3cret",
            "--redirect-uri",
            "http://localhost:9000/auth/callback",
            "--redirect-uri",
            "https://pins.example.com/auth/callback",
            "--user",
            "alice",
            "--user",
            "bob",
        ],
        env=env,
    )

    assert result.exit_code == 0, result.stderr
    assert served["port"] == port
    sandbox = sandbox_of(served)
    assert sandbox.config.state_path == state
    assert state.is_file()
    client = sandbox.client("42")
    assert client is not None
    assert client.client_secret == "s3cret"
    assert client.redirect_uris == [
        "http://localhost:9000/auth/callback",
        "https://pins.example.com/auth/callback",
    ]
    assert [user.username for user in sandbox.users()] == ["alice", "bob"]
    assert "PINSMITH_PINTEREST_REDIRECT_URI=http://localhost:9000/auth/callback" in result.stdout
