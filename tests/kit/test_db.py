from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text
from sqlalchemy.exc import StatementError

from pinsmith.kit.db import Database, UTCDateTime, describe_connection_error, normalize_database_url

metadata = MetaData()
events = Table(
    "events", metadata, Column("id", Integer, primary_key=True), Column("at", UTCDateTime())
)


@pytest.fixture
async def sqlite(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'nested' / 'x.db'}")
    async with database.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    return database


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///a.db", "sqlite+aiosqlite:///a.db"),
        ("postgresql://u:p@h:5432/d", "postgresql+asyncpg://u:p@h:5432/d"),
        ("postgres://u@h/d", "postgresql+asyncpg://u@h/d"),
    ],
)
def test_database_urls_get_async_drivers(given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected


def test_unsupported_databases_are_named() -> None:
    with pytest.raises(ValueError, match="unsupported database URL scheme 'mysql'"):
        normalize_database_url("mysql://h/d")


async def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(sqlite: Database) -> None:
    async with sqlite.engine.connect() as connection:
        journal = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
        foreign_keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar()
        busy = (await connection.execute(text("PRAGMA busy_timeout"))).scalar()
    await sqlite.dispose()

    assert (journal, foreign_keys) == ("wal", 1)
    assert busy is not None
    assert busy >= 5000


async def test_datetimes_come_back_aware_in_utc(sqlite: Database) -> None:
    lisbon_summer = datetime(2026, 7, 1, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    async with sqlite.transaction() as session:
        await session.execute(insert(events).values(id=1, at=lisbon_summer))
    async with sqlite.transaction(write=False) as session:
        stored = (await session.execute(select(events.c.at))).scalar_one()
    await sqlite.dispose()

    assert stored == lisbon_summer
    assert stored.tzinfo == UTC
    assert stored.hour == 8


async def test_naive_datetimes_are_refused(sqlite: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        async with sqlite.transaction() as session:
            await session.execute(insert(events).values(id=2, at=datetime(2026, 1, 1)))
    await sqlite.dispose()


async def test_concurrent_read_then_write_transactions_both_commit_on_sqlite(
    sqlite: Database,
) -> None:
    """A deferred transaction that read, then writes after another writer, fails with 'database
    is locked'; write transactions take the lock up front and wait their turn instead."""

    async def read_then_write(row_id: int) -> None:
        async with sqlite.transaction() as session:
            await session.execute(select(events.c.id))
            await asyncio.sleep(0.05)
            await session.execute(insert(events).values(id=row_id, at=datetime.now(UTC)))

    await asyncio.gather(*(read_then_write(row_id) for row_id in range(10, 16)))
    async with sqlite.transaction(write=False) as session:
        count = len((await session.execute(select(events.c.id))).all())
    await sqlite.dispose()

    assert count == 6


async def test_unreachable_databases_are_described_in_one_line() -> None:
    database = Database("postgresql://nobody@127.0.0.1:1/nothing")
    with pytest.raises(ConnectionRefusedError) as caught:
        await database.ping()
    await database.dispose()

    reason = describe_connection_error(caught.value)
    assert reason is not None
    assert "\n" not in reason
    assert describe_connection_error(KeyError("x")) is None
