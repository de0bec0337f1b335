from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select

from pinsmith.kit.repository import OwnedRepository, upsert
from pinsmith.models import Collection, CollectionPin


class CollectionRepository(OwnedRepository[Collection]):
    model = Collection
    noun = "Collection"

    async def list_with_counts(self, user_id: int) -> Sequence[tuple[Collection, int]]:
        statement = (
            select(Collection, func.count(CollectionPin.pin_id))
            .outerjoin(CollectionPin, CollectionPin.collection_id == Collection.id)
            .where(Collection.user_id == user_id)
            .group_by(Collection.id)
            .order_by(Collection.id)
        )
        return [(row[0], int(row[1])) for row in (await self.session.execute(statement)).all()]

    async def pin_ids(self, collection_id: int) -> list[int]:
        statement = (
            select(CollectionPin.pin_id)
            .where(CollectionPin.collection_id == collection_id)
            .order_by(CollectionPin.pin_id)
        )
        return list((await self.session.execute(statement)).scalars().all())

    async def add_pin(self, collection_id: int, pin_id: int) -> None:
        """Once, however many requests add it at the same moment."""
        statement = upsert(self.dialect, CollectionPin).on_conflict_do_nothing()
        await self.session.execute(statement.values(collection_id=collection_id, pin_id=pin_id))

    async def remove_pin(self, collection_id: int, pin_id: int) -> None:
        await self.session.execute(
            delete(CollectionPin).where(
                CollectionPin.collection_id == collection_id, CollectionPin.pin_id == pin_id
            )
        )
