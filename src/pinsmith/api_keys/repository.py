from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, update

from pinsmith.kit.repository import OwnedRepository
from pinsmith.models import ApiKey, User


@dataclass(frozen=True)
class PresentedKey:
    """What a request needs of the key it presented. Every authenticated request looks it up,
    and loading the ORM row as well as its owner cost more than the rest of the lookup."""

    id: int
    secret_hash: str
    is_active: bool
    last_used_at: datetime | None


# Built once, with a bound parameter: every authenticated request runs it.
_KEY_WITH_OWNER = (
    select(User, ApiKey.id, ApiKey.secret_hash, ApiKey.is_active, ApiKey.last_used_at)
    .join(ApiKey, ApiKey.user_id == User.id)
    .where(ApiKey.secret_hash == bindparam("hash"))
)


class ApiKeyRepository(OwnedRepository[ApiKey]):
    model = ApiKey
    noun = "API key"

    async def list_for_user(self, user_id: int) -> Sequence[ApiKey]:
        return await self.all(self.owned_by(user_id).order_by(ApiKey.id))

    async def count_active(self, user_id: int) -> int:
        return await self.count(self.owned_by(user_id).where(ApiKey.is_active))

    async def get_with_owner_by_hash(self, secret_hash: str) -> tuple[PresentedKey, User] | None:
        row = (await self.session.execute(_KEY_WITH_OWNER, {"hash": secret_hash})).one_or_none()
        return None if row is None else (PresentedKey(*row[1:]), row[0])

    async def mark_used(self, key_id: int, at: datetime) -> None:
        await self.session.execute(
            update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=at)
        )
