from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from pinsmith.kit.repository import Repository
from pinsmith.models import User


class UserRepository(Repository[User]):
    model = User

    async def lock(self, user_id: int) -> None:
        """Serialise one user's counted changes: a row lock on PostgreSQL. On SQLite a writing
        transaction already holds the database's write lock (BEGIN IMMEDIATE)."""
        if self.dialect == "sqlite":
            return
        await self.session.execute(select(User.id).where(User.id == user_id).with_for_update())

    async def get_by_username(self, username: str) -> User | None:
        return await self.one_or_none(self.select().where(User.username == username))

    async def get_by_pinterest_id(self, pinterest_user_id: str) -> User | None:
        """The user who signs in as this Pinterest account (the oldest, should there be two)."""
        statement = self.select().where(User.pinterest_user_id == pinterest_user_id)
        return await self.one_or_none(statement.order_by(User.id).limit(1))

    async def exists_any(self) -> bool:
        return await self.one_or_none(self.select().limit(1)) is not None

    async def taken_usernames(self, prefix: str) -> set[str]:
        statement = select(User.username).where(User.username.startswith(prefix, autoescape=True))
        return set((await self.session.execute(statement)).scalars())

    async def list_all(self) -> Sequence[User]:
        return await self.all(self.select().order_by(User.id))
