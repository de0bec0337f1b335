from __future__ import annotations

from fastapi import APIRouter, status

from pinsmith.auth.dependencies import CurrentUser
from pinsmith.collections import service
from pinsmith.collections.schemas import (
    Collection,
    CollectionDetail,
    CollectionPinAdd,
    CollectionWrite,
)
from pinsmith.dependencies import DbSession
from pinsmith.kit.schemas import RowId

router = APIRouter(prefix="/collections", tags=["collections"])


@router.get("", response_model=list[Collection])
async def list_collections(user: CurrentUser, session: DbSession) -> list[Collection]:
    return await service.list_for_user(session, user)


@router.post("", response_model=Collection, status_code=status.HTTP_201_CREATED)
async def create_collection(
    user: CurrentUser, session: DbSession, body: CollectionWrite
) -> Collection:
    return await service.create(session, user, body)


@router.get("/{collection_id}", response_model=CollectionDetail)
async def get_collection(
    user: CurrentUser, session: DbSession, collection_id: RowId
) -> CollectionDetail:
    return await service.detail(session, user, collection_id)


@router.put("/{collection_id}", response_model=Collection)
async def rename_collection(
    user: CurrentUser, session: DbSession, collection_id: RowId, body: CollectionWrite
) -> Collection:
    return await service.rename(session, user, collection_id, body)


@router.delete("/{collection_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_collection(user: CurrentUser, session: DbSession, collection_id: RowId) -> None:
    await service.delete(session, user, collection_id)


@router.post("/{collection_id}/pins", status_code=status.HTTP_204_NO_CONTENT)
async def add_pin_to_collection(
    user: CurrentUser, session: DbSession, collection_id: RowId, body: CollectionPinAdd
) -> None:
    await service.add_pin(session, user, collection_id, body.pin_id)


@router.delete("/{collection_id}/pins/{pin_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_pin_from_collection(
    user: CurrentUser, session: DbSession, collection_id: RowId, pin_id: RowId
) -> None:
    await service.remove_pin(session, user, collection_id, pin_id)
