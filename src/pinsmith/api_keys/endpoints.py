from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, status

from pinsmith.api_keys import service
from pinsmith.api_keys.schemas import ApiKey, ApiKeyCreate, ApiKeyCreated
from pinsmith.auth.dependencies import CurrentUser
from pinsmith.dependencies import DbSession
from pinsmith.kit.schemas import RowId
from pinsmith.models import ApiKey as ApiKeyRow

router = APIRouter(prefix="/api-keys", tags=["API keys"])


@router.get("", response_model=list[ApiKey])
async def list_api_keys(user: CurrentUser, session: DbSession) -> Sequence[ApiKeyRow]:
    return await service.list_for_user(session, user)


@router.post("", response_model=ApiKeyCreated, status_code=status.HTTP_201_CREATED)
async def create_api_key(
    user: CurrentUser, session: DbSession, body: ApiKeyCreate
) -> ApiKeyCreated:
    issued = await service.create(session, user, body)
    return ApiKeyCreated.model_validate(
        {**ApiKey.model_validate(issued.key).model_dump(), "secret_key": issued.secret}
    )


@router.patch("/{key_id}/toggle", response_model=ApiKey)
async def toggle_api_key(user: CurrentUser, session: DbSession, key_id: RowId) -> ApiKeyRow:
    return await service.toggle(session, user, key_id)


@router.delete("/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_api_key(user: CurrentUser, session: DbSession, key_id: RowId) -> None:
    await service.revoke(session, user, key_id)
