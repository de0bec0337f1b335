"""The base of every domain repository: the queries all of them would otherwise repeat."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.dialects.postgresql import Insert as PostgresqlInsert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from pinsmith.kit.errors import NotFound

ModelT = TypeVar("ModelT", bound=DeclarativeBase)


def upsert(dialect: str, entity: type[DeclarativeBase]) -> PostgresqlInsert | SqliteInsert:
    """An INSERT that takes ``ON CONFLICT`` clauses, which both our databases spell alike: the
    one race-free way to insert a row that a concurrent request may insert too."""
    return (postgresql_insert if dialect == "postgresql" else sqlite_insert)(entity)


class Repository(Generic[ModelT]):
    model: type[ModelT]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``, for the few queries that differ."""
        return self.session.get_bind().dialect.name

    def select(self) -> Select[ModelT]:
        return select(self.model)

    async def get(self, id: int) -> ModelT | None:
        return await self.session.get(self.model, id)

    async def one_or_none(self, statement: Select[ModelT]) -> ModelT | None:
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def all(self, statement: Select[ModelT]) -> Sequence[ModelT]:
        return (await self.session.execute(statement)).scalars().all()

    async def count(self, statement: Select[Any]) -> int:
        counted = select(func.count()).select_from(statement.subquery())
        return int((await self.session.execute(counted)).scalar_one())

    async def add(self, row: ModelT) -> ModelT:
        self.session.add(row)
        await self.session.flush()
        return row

    async def delete(self, row: ModelT) -> None:
        await self.session.delete(row)
        await self.session.flush()


class OwnedRepository(Repository[ModelT], Generic[ModelT]):
    """For models with ``user_id``: every lookup is scoped to the owner."""

    noun: ClassVar[str] = "Item"  # for "<noun> not found"

    def owned_by(self, user_id: int) -> Select[ModelT]:
        return self.select().where(self._owner_column() == user_id)

    async def get_owned(self, id: int, user_id: int, *, lock: bool = False) -> ModelT | None:
        """The row if ``user_id`` owns it: another user's row is indistinguishable from none.

        ``lock``: FOR UPDATE, held until the transaction ends (PostgreSQL; on SQLite a writing
        transaction holds the whole database already). The owner is part of the locking query,
        so no one can lock another user's row by asking for its id."""
        if lock:
            key = self.model.__table__.c.id
            return await self.one_or_none(self.owned_by(user_id).where(key == id).with_for_update())
        row = await self.get(id)
        if row is None or getattr(row, "user_id", None) != user_id:
            return None
        return row

    async def require_owned(self, id: int, user_id: int, *, lock: bool = False) -> ModelT:
        """The row, or a 404 that says the same for another user's row as for a missing one."""
        row = await self.get_owned(id, user_id, lock=lock)
        if row is None:
            raise NotFound(f"{self.noun} not found")
        return row

    def _owner_column(self) -> Any:
        return self.model.__table__.c.user_id
