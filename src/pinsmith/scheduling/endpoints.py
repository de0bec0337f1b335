from __future__ import annotations

from fastapi import APIRouter

from pinsmith.auth.dependencies import CurrentUser
from pinsmith.dependencies import DbSession
from pinsmith.kit.schemas import RowId
from pinsmith.scheduling import service
from pinsmith.scheduling.schemas import QueueEntry, Schedule, ScheduleUpdate
from pinsmith.scheduling.service import QueuedPin

router = APIRouter(prefix="/profiles", tags=["scheduling"])


@router.get("/{profile_id}/schedule", response_model=Schedule)
async def get_schedule(user: CurrentUser, session: DbSession, profile_id: RowId) -> Schedule:
    return await service.get_schedule(session, user, profile_id)


@router.put("/{profile_id}/schedule", response_model=Schedule)
async def put_schedule(
    user: CurrentUser, session: DbSession, profile_id: RowId, body: ScheduleUpdate
) -> Schedule:
    return await service.put_schedule(session, user, profile_id, body)


@router.get("/{profile_id}/queue", response_model=list[QueueEntry])
async def get_queue(user: CurrentUser, session: DbSession, profile_id: RowId) -> list[QueuedPin]:
    return await service.queue(session, user, profile_id)


@router.post("/{profile_id}/resume", response_model=Schedule)
async def resume(user: CurrentUser, session: DbSession, profile_id: RowId) -> Schedule:
    """Publish again through a profile paused after Pinterest blocked a pin as spam."""
    return await service.resume(session, user, profile_id)
