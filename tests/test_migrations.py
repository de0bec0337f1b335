"""The migrations build exactly the schema the models describe, and go down and up again."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect

from pinsmith.kit import migrations
from pinsmith.kit.db import Database
from pinsmith.models import Base


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_models_and_migrations_agree(database: Database) -> None:
    async with database.engine.connect() as connection:
        differences = await connection.run_sync(_differences)

    assert differences == []
    assert await migrations.is_current(database)


async def test_downgrade_to_nothing_and_upgrade_again(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'roundtrip.db'}")

    await migrations.upgrade(database)
    await migrations.downgrade(database, "base")
    async with database.engine.connect() as connection:
        emptied = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    await migrations.upgrade(database)
    current = await migrations.is_current(database)
    await database.dispose()

    assert set(emptied) <= {"alembic_version"}
    assert current


def test_migration_files_are_date_stamped() -> None:
    versions = sorted((migrations.migrations_dir() / "versions").glob("*.py"))

    assert versions
    for path in versions:
        assert path.name[:10].replace("_", "").isdigit(), path.name
