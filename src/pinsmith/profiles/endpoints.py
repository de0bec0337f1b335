from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query, status

from pinsmith.auth.dependencies import CurrentUser
from pinsmith.dependencies import DbSession
from pinsmith.kit.schemas import RowId
from pinsmith.models import PinterestProfile
from pinsmith.profiles import service
from pinsmith.profiles.schemas import Profile

router = APIRouter(prefix="/profiles", tags=["profiles"])


@router.get("", response_model=list[Profile])
async def list_profiles(user: CurrentUser, session: DbSession) -> Sequence[PinterestProfile]:
    return await service.list_for_user(session, user)


@router.put("/{profile_id}/select", response_model=Profile)
async def select_profile(
    user: CurrentUser, session: DbSession, profile_id: RowId
) -> PinterestProfile:
    return await service.select(session, user, profile_id)


@router.delete("/{profile_id}", status_code=status.HTTP_204_NO_CONTENT)
async def disconnect_profile(
    user: CurrentUser,
    session: DbSession,
    profile_id: RowId,
    force: Annotated[
        bool, Query(description="Turn its queued and scheduled pins into drafts")
    ] = False,
) -> None:
    await service.disconnect(session, user, profile_id, force=force)
