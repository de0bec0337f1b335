"""Collections: a user's own groupings of pins (campaigns, seasons). Deleting one keeps the pins."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.collections.repository import CollectionRepository
from pinsmith.collections.schemas import Collection as CollectionOut
from pinsmith.collections.schemas import CollectionDetail, CollectionWrite
from pinsmith.models import Collection, User
from pinsmith.pins.repository import PinRepository


async def list_for_user(session: AsyncSession, user: User) -> list[CollectionOut]:
    rows = await CollectionRepository(session).list_with_counts(user.id)
    return [_out(collection, count) for collection, count in rows]


async def create(session: AsyncSession, user: User, data: CollectionWrite) -> CollectionOut:
    collection = await CollectionRepository(session).add(
        Collection(user_id=user.id, name=data.name)
    )
    return _out(collection, 0)


async def get(session: AsyncSession, user: User, collection_id: int) -> Collection:
    return await CollectionRepository(session).require_owned(collection_id, user.id)


async def detail(session: AsyncSession, user: User, collection_id: int) -> CollectionDetail:
    collection = await get(session, user, collection_id)
    pin_ids = await CollectionRepository(session).pin_ids(collection.id)
    return CollectionDetail(**_out(collection, len(pin_ids)).model_dump(), pin_ids=pin_ids)


async def rename(
    session: AsyncSession, user: User, collection_id: int, data: CollectionWrite
) -> CollectionOut:
    collection = await get(session, user, collection_id)
    collection.name = data.name
    await session.flush()
    return await detail(session, user, collection.id)


async def delete(session: AsyncSession, user: User, collection_id: int) -> None:
    await CollectionRepository(session).delete(await get(session, user, collection_id))


async def add_pin(session: AsyncSession, user: User, collection_id: int, pin_id: int) -> None:
    """Idempotent: adding a pin twice leaves it in once."""
    collection = await get(session, user, collection_id)
    await PinRepository(session).require_owned(pin_id, user.id)
    await CollectionRepository(session).add_pin(collection.id, pin_id)


async def remove_pin(session: AsyncSession, user: User, collection_id: int, pin_id: int) -> None:
    collection = await get(session, user, collection_id)
    await CollectionRepository(session).remove_pin(collection.id, pin_id)


def _out(collection: Collection, pin_count: int) -> CollectionOut:
    return CollectionOut(
        id=collection.id,
        name=collection.name,
        pin_count=pin_count,
        created_at=collection.created_at,
        updated_at=collection.updated_at,
    )
