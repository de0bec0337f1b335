"""Engine, sessions, SQLite pragmas and the UTC datetime column type.

The same code runs on SQLite (default, one file) and PostgreSQL (by URL). On SQLite the driver's
own transaction handling is switched off and pinsmith emits BEGIN itself, so that a claimer can
ask for ``BEGIN IMMEDIATE`` (DESIGN.md: the job table).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Dialect, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.types import TypeDecorator

from pinsmith.kit.sqlite_driver import OneTripConnection, OneTripDBAPI

SQLITE_BUSY_TIMEOUT_MS = 15_000
POSTGRES_CONNECT_TIMEOUT_S = 10

_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


SUPPORTED_URLS = "sqlite:///PATH or postgresql://USER@HOST/DB"


def normalize_database_url(url: str) -> str:
    """Accept the URLs people paste (``postgresql://``, ``sqlite:///``); pick the async driver."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(f"not a database URL; use {SUPPORTED_URLS}") from None
    driver = _DRIVERS.get(parsed.drivername)
    if driver is None:
        raise ValueError(
            f"unsupported database URL scheme {parsed.drivername!r}; use {SUPPORTED_URLS}"
        )
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def is_sqlite_url(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def describe_connection_error(exc: BaseException) -> str | None:
    """One line for a failure to reach the database, or None if ``exc`` is something else."""
    if isinstance(exc, DBAPIError):
        return str(exc.orig or exc).strip().splitlines()[0]
    if isinstance(exc, OSError | TimeoutError):
        return str(exc) or type(exc).__name__
    return None


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on SQLite (which keeps no offset) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: pinsmith stores timezone-aware UTC only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ListedUTCDateTime(UTCDateTime):
    """UTCDateTime for rows that go straight to JSON (kit/responses.py).

    On SQLite the stored text becomes the ISO 8601 string pydantic would write, without building
    a datetime: parsing one costs about 2.5 us, a quarter of a listed pin's whole cost. On
    PostgreSQL the driver's datetime is kept (orjson writes it the same way).
    """

    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        if dialect.name == "sqlite":
            return sqlite_text_as_iso_utc
        return super().result_processor(dialect, coltype)


def sqlite_text_as_iso_utc(value: str | None) -> str | None:
    """``2027-06-01 03:00:00.000000`` (SQLAlchemy's SQLite storage) as ``2027-06-01T03:00:00Z``;
    a microsecond part is kept when it is not zero, as pydantic writes it."""
    if value is None:
        return None
    if len(value) == 26 and value[10] == " " and value[19] == ".":
        fraction = value[19:] if value[20:] != "000000" else ""
        return f"{value[:10]}T{value[11:19]}{fraction}Z"
    parsed = datetime.fromisoformat(value)  # any other stored form: slower, same answer
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _install_sqlite_pragmas(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # pinsmith emits BEGIN itself (see on_begin)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode reads never wait for a writer, so they may skip the worker thread
        # (kit/sqlite_driver.py); an in-memory database stays in its own mode and on the thread.
        dbapi_connection.inline = cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        dbapi_connection.busy_timeout_ms = SQLITE_BUSY_TIMEOUT_MS
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # SQLite's own lower() folds ASCII letters only, so a title filter (ILIKE is lower()
        # LIKE lower() here) would not find "Crème" from "CRÈME"; Python's folds every script,
        # as PostgreSQL's does.
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "")
        driver_connection: OneTripConnection = connection.connection.dbapi_connection
        driver_connection.defer_begin(f"BEGIN {mode}".strip())


def create_engine(url: str) -> AsyncEngine:
    url = normalize_database_url(url)
    if is_sqlite_url(url):
        database_file = make_url(url).database
        if database_file and database_file != ":memory:":
            Path(database_file).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        engine = create_async_engine(
            url,
            module=OneTripDBAPI(),
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            # Every session ends its transaction itself (Database.transaction): no extra ROLLBACK
            # round trip each time a connection goes back to the pool.
            pool_reset_on_return=None,
        )
        _install_sqlite_pragmas(engine)
        return engine
    return create_async_engine(
        url,
        pool_pre_ping=True,
        pool_reset_on_return=None,
        connect_args={"timeout": POSTGRES_CONNECT_TIMEOUT_S},
    )


class Database:
    """One engine and its session factory; the app, the CLI and the worker each hold one."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite: a transaction that will write takes the write lock up front, so it waits for
        # other writers (busy timeout) instead of failing when it upgrades from a stale read.
        self.writer_sessionmaker = async_sessionmaker(
            self.engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    async def ping(self) -> None:
        """Connect once, so an unreachable database is reported before anything else runs."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[AsyncSession]:
        """A session whose work commits when the block ends and rolls back if it raises."""
        factory = self.writer_sessionmaker if write else self.sessionmaker
        async with factory() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
