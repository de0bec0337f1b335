"""aiosqlite with at most one thread hop per statement, and none for most of them.

SQLAlchemy's aiosqlite adapter creates a cursor, executes, fetches and closes in four separate
calls to aiosqlite's worker thread; each call is a thread wake-up and an event-loop wake-up,
which costs far more than SQLite itself (a pin insert takes ~0.1 ms in sqlite3, ~1 ms through the
adapter). Here the worker thread runs the whole statement in one call and hands back the rows.

A statement that cannot wait on a lock runs on the event loop's thread with no hop at all. In WAL
mode that is every read, and every statement of a transaction that already holds the write lock.
``BEGIN IMMEDIATE`` is first tried there with no busy wait: when the lock is free it is taken at
once. What would have to wait for another writer (a taken lock, the first write of a deferred
transaction) or do file work (the commit of a write, which may checkpoint) goes to the worker
thread: a busy wait on the loop would stall the very coroutines that hold the lock.

A statement that has been slow on the loop (``SLOW_INLINE_S``) goes to the worker thread from
then on: sqlite3 lets go of the GIL while SQLite works, so a long scan there leaves the loop free
to serve other requests.

It plugs in through ``create_async_engine(module=...)``, SQLAlchemy's documented way to supply
the DBAPI module; it relies on SQLAlchemy's async cursor contract and on aiosqlite's
``_execute``, which SQLAlchemy's own adapter uses too. The whole SQLite test suite runs on it.
"""

from __future__ import annotations

import collections
import sqlite3
import time
from collections.abc import Callable
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT

_Outcome = tuple[Any, list[Any], int, int | None]
_IMMEDIATE = "BEGIN IMMEDIATE"
#: A statement that takes longer than this on the loop's thread this many times (once could be
#: a cold page cache) is sent to the worker thread from then on.
SLOW_INLINE_S = 0.005  # a thread hop costs ~0.1 ms; asyncio calls a callback slow at 100 ms
SLOW_TIMES = 3
_slow_runs: collections.Counter[str] = collections.Counter()
_slow: set[str] = set()
_SLOW_KEPT = 1024  # bounded: a statement's text varies with the length of its IN lists


def _note_if_slow(operation: str, elapsed: float) -> None:
    if elapsed <= SLOW_INLINE_S:
        return
    if len(_slow_runs) >= _SLOW_KEPT:
        _slow_runs.clear()
    _slow_runs[operation] += 1
    if _slow_runs[operation] >= SLOW_TIMES:
        if len(_slow) >= _SLOW_KEPT:
            _slow.clear()
        _slow.add(operation)


def is_read(operation: str) -> bool:
    """A plain SELECT, which in SQLite never writes (a ``WITH`` may lead to an INSERT)."""
    return operation.lstrip()[:6].upper() == "SELECT"


def _run(
    connection: sqlite3.Connection, begin: str | None, operation: str, parameters: Any, many: bool
) -> _Outcome:
    """On aiosqlite's thread: the transaction's BEGIN if it is still due, then the statement,
    its rows and its counters, in one call."""
    if begin is not None:
        connection.execute(begin)
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor whose results are complete once ``execute`` returns; nothing stays open."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")
    _awaitable_cursor_close = False

    def __init__(self, adapt_connection: Any) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]  # no driver cursor is kept open
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        await self._run(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        await self._run(operation, seq_of_parameters, many=True)

    async def _run(self, operation: Any, parameters: Any, *, many: bool) -> None:
        connection: OneTripConnection = self._adapt_connection  # type: ignore[assignment]
        begin = connection.take_begin()
        if begin == _IMMEDIATE and connection.take_free_write_lock():
            begin = None
        read = is_read(operation)
        outcome: _Outcome
        if connection.before(begin, read=read) and operation not in _slow:
            started = time.perf_counter()
            outcome = _run(self._connection._conn, begin, operation, parameters, many)
            _note_if_slow(operation, time.perf_counter() - started)
        else:
            async with connection._execute_mutex:
                outcome = await self._connection._execute(
                    _run, self._connection._conn, begin, operation, parameters, many
                )
        connection.after(begin, read=read)
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows)

    async def _async_soft_close(self) -> None:
        return None

    def close(self) -> None:
        self._rows.clear()


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """A connection whose BEGIN travels with the transaction's first statement, and that knows
    which of its statements can skip the worker thread.

    pinsmith emits BEGIN itself (kit/db.py); sent alone it is one more thread hop per
    transaction, and a transaction that runs no statement needs neither BEGIN nor COMMIT.
    ``inline`` is set once the connection is known to be in WAL mode (kit/db.py).
    """

    __slots__ = ("_begin", "_holds_write_lock", "_wrote", "busy_timeout_ms", "inline")
    _cursor_cls = OneTripCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self._begin: str | None = None
        self._holds_write_lock = False
        self._wrote = False
        self.inline = False
        self.busy_timeout_ms = 0

    def defer_begin(self, statement: str) -> None:
        """A new transaction: what the last one held or wrote no longer counts."""
        self._begin = statement
        self._holds_write_lock = self._wrote = False

    def take_begin(self) -> str | None:
        begin, self._begin = self._begin, None
        return begin

    @property
    def _loop_may_run(self) -> bool:
        """WAL mode, and no call of this connection's is under way on the worker thread."""
        return self.inline and not self._execute_mutex.locked()

    def take_free_write_lock(self) -> bool:
        """``BEGIN IMMEDIATE`` on the loop's thread if the write lock is free right now. The busy
        timeout is 0 meanwhile, so a taken lock answers at once and is waited for on the worker
        thread instead."""
        if not self._loop_may_run:
            return False
        connection = self._connection._conn
        connection.execute("PRAGMA busy_timeout=0")
        try:
            connection.execute(_IMMEDIATE)
        except sqlite3.OperationalError:  # busy, or anything else: the worker thread will say
            return False
        finally:
            connection.execute(f"PRAGMA busy_timeout={self.busy_timeout_ms}")
        self._holds_write_lock = True
        return True

    def before(self, begin: str | None, *, read: bool) -> bool:
        """Whether the statement may run on the loop's thread, sure not to wait on a lock (see
        the module's docstring). A write is noted first, failed or not: its commit then goes to
        the worker thread."""
        if not read:
            self._wrote = True
        if not self._loop_may_run:
            return False
        return self._holds_write_lock or (read and begin != _IMMEDIATE)

    def after(self, begin: str | None, *, read: bool) -> None:
        """Once a ``BEGIN IMMEDIATE`` or a write has succeeded, the transaction holds the lock."""
        in_transaction = self._connection._conn.in_transaction
        if begin == _IMMEDIATE or (not read and in_transaction):
            self._holds_write_lock = in_transaction

    def commit(self) -> None:
        if self.take_begin() is None:  # else nothing ran: there is no transaction to end
            self._end(self._connection._conn.commit, super().commit)

    def rollback(self) -> None:
        if self.take_begin() is None:
            self._end(self._connection._conn.rollback, super().rollback)

    def _end(self, inline: Callable[[], None], on_worker: Callable[[], None]) -> None:
        """A transaction that only read ends at once; the commit of a write may checkpoint
        the WAL into the database file, work for the worker thread."""
        wrote, self._wrote, self._holds_write_lock = self._wrote, False, False
        if self._loop_may_run and not wrote:
            inline()
        else:
            on_worker()


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module handed to SQLAlchemy: aiosqlite, with one-trip cursors."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        connection = super().connect(*arg, **kw)
        return OneTripConnection(self, connection._connection)
