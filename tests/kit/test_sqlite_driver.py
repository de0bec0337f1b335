"""The one-trip SQLite driver behaves as a DBAPI cursor must, in one worker-thread call each."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from pinsmith.kit.db import Database

metadata = MetaData()
things = Table(
    "things",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(20), unique=True),
)


@pytest.fixture
async def database(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'driver.db'}")
    async with database.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    return database


def count_worker_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, the name of each call made on aiosqlite's worker thread."""
    calls: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: object, *args: object) -> object:
        calls.append(getattr(fn, "__name__", "?"))
        return await original(self, fn, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return calls


async def test_each_statement_is_one_call_to_the_worker_thread(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    statements: list[str] = []
    event.listen(
        database.engine.sync_engine,
        "before_cursor_execute",
        lambda _conn, _cursor, statement, *_: statements.append(statement),
    )

    async with database.engine.connect() as connection:
        calls = count_worker_calls(monkeypatch)
        await connection.execute(text("SELECT 1"))
        await connection.execute(select(things))
        await connection.commit()
    observed = list(calls)
    await database.dispose()

    # BEGIN travels with the first statement; then the second, then the commit: one trip each
    # (SQLAlchemy's adapter made four per statement, and BEGIN was a trip of its own).
    assert len(statements) == 2
    assert observed == ["_run", "_run", "commit"]


async def test_a_transaction_that_runs_nothing_costs_no_trip(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with database.engine.connect() as connection:
        calls = count_worker_calls(monkeypatch)
        await connection.begin()
        await connection.commit()
        await connection.begin()
        await connection.rollback()
    observed = list(calls)
    await database.dispose()
    assert observed == []


async def test_the_deferred_begin_still_makes_one_transaction(database: Database) -> None:
    async def insert_twice() -> None:
        async with database.transaction() as session:
            await session.execute(insert(things).values(name="kept?"))
            await session.execute(insert(things).values(name="kept?"))  # unique: fails

    with pytest.raises(IntegrityError):
        await insert_twice()
    async with database.transaction(write=False) as session:
        assert (await session.execute(select(things))).all() == []  # the first insert rolled back


async def test_begin_immediate_takes_the_write_lock_with_the_first_statement(
    database: Database, tmp_path: Path
) -> None:
    other = sqlite3.connect(tmp_path / "driver.db", timeout=0.05, isolation_level=None)
    try:
        async with database.transaction() as writer:  # BEGIN IMMEDIATE, sent with the SELECT
            await writer.execute(select(things))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")  # a second writer must wait for this one
        other.execute("BEGIN IMMEDIATE")  # and gets the lock once the first has committed
        other.execute("ROLLBACK")
    finally:
        other.close()
    await database.dispose()


async def test_rows_counts_ids_and_returning(database: Database) -> None:
    async with database.transaction() as session:
        inserted = await session.execute(insert(things).values(name="a"))
        await session.execute(insert(things), [{"name": "b"}, {"name": "c"}])
        returned = await session.execute(
            insert(things).values(name="d").returning(things.c.id, things.c.name)
        )
        changed = await session.execute(update(things).where(things.c.id > 1).values(name=None))
        names = (await session.execute(select(things.c.name).order_by(things.c.id))).scalars()

        assert inserted.inserted_primary_key == (1,)
        assert returned.one() == (4, "d")
        assert changed.rowcount == 3
        assert list(names) == ["a", None, None, None]
    await database.dispose()


async def test_driver_errors_keep_their_sqlalchemy_type(database: Database) -> None:
    async with database.transaction() as session:
        await session.execute(insert(things).values(name="same"))
    with pytest.raises(IntegrityError, match="UNIQUE constraint failed"):
        async with database.transaction() as session:
            await session.execute(insert(things).values(name="same"))
    async with database.transaction(write=False) as session:
        count = len((await session.execute(select(things))).all())
    await database.dispose()

    assert count == 1
