from __future__ import annotations

from collections.abc import Sequence

from pinsmith.kit.repository import Repository
from pinsmith.models import User


class UserRepository(Repository[User]):
    model = User

    async def get_by_username(self, username: str) -> User | None:
        return await self.one_or_none(self.select().where(User.username == username))

    async def list_all(self) -> Sequence[User]:
        return await self.all(self.select().order_by(User.id))
