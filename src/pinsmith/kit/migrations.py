"""Alembic, driven from code: ``pinsmith db upgrade`` and the start of every server or worker."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from pinsmith.kit.db import Database


def migrations_dir() -> Path:
    """``migrations/`` of a source checkout, or the copy a wheel ships inside the package."""
    checkout = Path(__file__).resolve().parents[3] / "migrations"
    if (checkout / "env.py").is_file():
        return checkout
    return Path(str(resources.files("pinsmith") / "_migrations"))


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _downgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


def _is_current(connection: Connection) -> bool:
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    return set(MigrationContext.configure(connection).get_current_heads()) == heads


async def upgrade(database: Database, revision: str = "head") -> None:
    async with database.engine.begin() as connection:
        await connection.run_sync(_upgrade, revision)


async def downgrade(database: Database, revision: str) -> None:
    async with database.engine.begin() as connection:
        await connection.run_sync(_downgrade, revision)


async def is_current(database: Database) -> bool:
    async with database.engine.connect() as connection:
        return await connection.run_sync(_is_current)
