"""The one-trip SQLite driver behaves as a DBAPI cursor must, with at most one worker-thread
call per statement and none where no lock can be waited for."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
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

from pinsmith.kit import sqlite_driver
from pinsmith.kit.db import SQLITE_BUSY_TIMEOUT_MS, Database

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

    async def counted(
        self: aiosqlite.Connection, fn: object, *args: object, **kwargs: object
    ) -> object:
        calls.append(getattr(fn, "__name__", "?"))
        return await original(self, fn, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return calls


async def test_a_read_never_goes_to_the_worker_thread(
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

    # In WAL mode a read cannot wait on a lock: BEGIN, both statements and the commit run on the
    # loop's thread (SQLAlchemy's adapter made four trips per statement).
    assert len(statements) == 2
    assert observed == []


async def test_a_writer_takes_a_free_lock_on_the_loop_and_commits_on_the_worker_thread(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_worker_calls(monkeypatch)
    async with database.transaction() as session:  # BEGIN IMMEDIATE, sent with the SELECT
        await session.execute(select(things))
        await session.execute(insert(things).values(name="a"))
        await session.execute(insert(things).values(name="b"))
    observed = list(calls)
    await database.dispose()

    assert observed == ["commit"]  # the commit of a write may checkpoint the WAL


async def test_the_first_write_of_a_reader_goes_to_the_worker_thread(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_worker_calls(monkeypatch)
    async with database.transaction(write=False) as session:  # a deferred BEGIN
        await session.execute(select(things))  # inline
        await session.execute(insert(things).values(name="a"))  # may wait for the lock
        await session.execute(insert(things).values(name="b"))  # holds it now: inline
    observed = list(calls)
    async with database.transaction(write=False) as session:
        names = (await session.execute(select(things.c.name))).scalars().all()
    await database.dispose()

    assert observed == ["_run", "commit"]
    assert sorted(names) == ["a", "b"]


async def test_a_statement_slow_on_the_loop_time_and_again_goes_to_the_worker_thread(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_driver, "SLOW_INLINE_S", 0.0)  # every statement is slow
    monkeypatch.setattr(sqlite_driver, "SLOW_TIMES", 2)
    monkeypatch.setattr(sqlite_driver, "_slow_runs", Counter())
    monkeypatch.setattr(sqlite_driver, "_slow", set())
    async with database.engine.connect() as connection:
        calls = count_worker_calls(monkeypatch)
        await connection.execute(text("SELECT 11"))  # on the loop, and slow once
        await connection.execute(text("SELECT 11"))  # on the loop, and slow twice
        await connection.execute(text("SELECT 11"))  # so on the worker thread
        await connection.execute(text("SELECT 12"))  # another statement: on the loop
        await connection.commit()
    observed = list(calls)
    await database.dispose()

    assert observed == ["_run"]


async def test_an_in_memory_database_keeps_every_statement_on_the_worker_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    database = Database("sqlite:///:memory:")  # no WAL: its locks are not WAL's
    async with database.engine.connect() as connection:
        calls = count_worker_calls(monkeypatch)
        await connection.execute(text("SELECT 1"))
        await connection.execute(text("SELECT 2"))
        await connection.commit()
    observed = list(calls)
    await database.dispose()

    assert observed == ["_run", "_run", "commit"]


async def test_a_writer_waiting_for_the_lock_leaves_the_event_loop_free(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = sqlite3.connect(tmp_path / "driver.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO things (name) VALUES ('uncommitted')")

    async def write() -> None:
        async with database.transaction() as session:
            await session.execute(insert(things).values(name="mine"))

    async with database.transaction(write=False) as session:  # a pooled connection, set up
        await session.execute(select(things))
    calls = count_worker_calls(monkeypatch)
    writing = asyncio.create_task(write())
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.sleep(0.05)
    paused = loop.time() - started  # far below the busy timeout unless the loop itself waited
    # Had BEGIN IMMEDIATE waited for the lock on the loop's thread, the loop would have stalled
    # for the busy timeout, and the sleep above with it.
    async with database.transaction(write=False) as session:  # a read is not held up either
        seen = (await session.execute(select(things.c.name))).scalars().all()
    assert not writing.done()
    other.execute("ROLLBACK")
    other.close()
    await writing
    async with database.transaction(write=False) as session:
        names = (await session.execute(select(things.c.name))).scalars().all()
    await database.dispose()

    assert paused < SQLITE_BUSY_TIMEOUT_MS / 1000 / 2
    assert seen == []
    assert names == ["mine"]
    # The lock was taken: the loop's try answered at once and the worker thread waited, with
    # the busy timeout put back (at 0 it would have failed as locked).
    assert calls[0] == "_run"


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
