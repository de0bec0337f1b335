from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pinsmith.config import SECRET_KEYS_FILE, load_settings
from pinsmith.kit.crypto import generate_secret_key
from pinsmith.kit.errors import ConfigError
from pinsmith.quotas.plans import PlanName


def test_default_setup_is_a_sqlite_file_and_a_generated_key_in_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)

    key_file = tmp_path / SECRET_KEYS_FILE
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'pinsmith.db'}"
    assert settings.media_path == tmp_path / "media"
    assert settings.secret_keys == [key_file.read_text().strip()]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_a_new_data_dir_is_private_to_its_owner(tmp_path: Path) -> None:
    data_dir = tmp_path / "new" / "pinsmith"

    load_settings(data_dir=data_dir)

    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700


def test_the_generated_key_is_reused_on_the_next_start(tmp_path: Path) -> None:
    first = load_settings(data_dir=tmp_path)
    second = load_settings(data_dir=tmp_path)

    assert first.secret_keys == second.secret_keys


def test_keys_are_read_comma_separated_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new, old = generate_secret_key(), generate_secret_key()
    monkeypatch.setenv("PINSMITH_SECRET_KEYS", f" {new} , {old},")
    monkeypatch.setenv("PINSMITH_DATA_DIR", str(tmp_path))

    settings = load_settings()

    assert settings.secret_keys == [new, old]
    assert not (tmp_path / SECRET_KEYS_FILE).exists()


def test_postgresql_without_secret_keys_stops_with_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(data_dir=tmp_path, database_url="postgresql://pinsmith@db/pinsmith")

    message = str(caught.value)
    assert "PINSMITH_SECRET_KEYS must be set" in message
    assert "\n" not in message


def test_postgresql_urls_get_the_async_driver(tmp_path: Path) -> None:
    key = generate_secret_key()

    for url in ("postgresql://u:p@db/x", "postgres://u:p@db/x", "postgresql+asyncpg://u:p@db/x"):
        settings = load_settings(data_dir=tmp_path, database_url=url, secret_keys=[key])
        assert settings.database_url == "postgresql+asyncpg://u:p@db/x"
        assert not settings.is_sqlite


@pytest.mark.parametrize(
    ("overrides", "names"),
    [
        ({"secret_keys": "not-a-key"}, "PINSMITH_SECRET_KEYS"),
        ({"database_url": "mysql://db/x"}, "PINSMITH_DATABASE_URL"),
        ({"database_url": "garbage"}, "PINSMITH_DATABASE_URL: not a database URL"),
        ({"database_url": "sqlite:///"}, "PINSMITH_DATABASE_URL: an SQLite URL needs a file"),
        ({"database_url": "sqlite:///:memory:"}, "PINSMITH_DATABASE_URL: an SQLite URL needs"),
        ({"port": 0}, "PINSMITH_PORT"),
        ({"default_timezone": "Mars/Olympus"}, "PINSMITH_DEFAULT_TIMEZONE"),
        ({"default_plan": "gold"}, "PINSMITH_DEFAULT_PLAN"),
        ({"public_url": "not a url"}, "PINSMITH_PUBLIC_URL"),
        ({"rate_limit_pin_create": "thirty"}, "PINSMITH_RATE_LIMIT_PIN_CREATE"),
        ({"rate_limit_storage_url": "mongodb://db"}, "PINSMITH_RATE_LIMIT_STORAGE_URL"),
    ],
)
def test_invalid_settings_fail_with_one_line_naming_the_variable(
    tmp_path: Path, overrides: dict[str, object], names: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(data_dir=tmp_path, **overrides)

    assert names in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_damaged_key_file_is_reported_not_replaced(tmp_path: Path) -> None:
    (tmp_path / SECRET_KEYS_FILE).write_text("garbage\n")

    with pytest.raises(ConfigError, match="does not hold a valid key"):
        load_settings(data_dir=tmp_path)
    assert (tmp_path / SECRET_KEYS_FILE).read_text() == "garbage\n"


def test_deployment_defaults_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PINSMITH_DEFAULT_PLAN", "growth")
    monkeypatch.setenv("PINSMITH_DEFAULT_DAILY_PIN_LIMIT", "25")
    monkeypatch.setenv("PINSMITH_ALLOW_PRIVATE_URLS", "1")

    settings = load_settings(data_dir=tmp_path)

    assert settings.default_plan is PlanName.GROWTH
    assert settings.default_daily_pin_limit == 25
    assert settings.allow_private_urls is True


def test_secure_cookies_follow_an_https_public_url(tmp_path: Path) -> None:
    assert load_settings(data_dir=tmp_path, public_url="https://pins.example.org").cookies_secure
    assert not load_settings(data_dir=tmp_path).cookies_secure


def test_an_unwritable_data_dir_is_one_clear_line(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        blocker = tmp_path / "file"
        blocker.write_text("")
        data_dir = blocker / "inside"  # a file where a directory must be: fails even for root
    else:
        tmp_path.chmod(0o500)
        data_dir = tmp_path / "data"

    with pytest.raises(ConfigError, match="cannot prepare the data directory"):
        load_settings(data_dir=data_dir)
