"""``POST /pins/{id}/publish``: publish a pin now, and say how it went."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from pinsmith.auth.dependencies import CurrentUser
from pinsmith.dependencies import AppDatabase, AppSettings, Pinterest, RemoteCallRoute
from pinsmith.kit.schemas import RowId
from pinsmith.models import Pin as PinRow
from pinsmith.models import PinStatus
from pinsmith.pins.schemas import Pin
from pinsmith.publishing.service import Publisher, publish_now

router = APIRouter(prefix="/pins", tags=["pins"], route_class=RemoteCallRoute)


@router.post(
    "/{pin_id}/publish",
    response_model=Pin,
    responses={202: {"description": "Still publishing after the wait: poll GET /pins/{id}"}},
)
async def publish(
    pin_id: RowId,
    user: CurrentUser,
    database: AppDatabase,
    access: Pinterest,
    settings: AppSettings,
    response: Response,
) -> PinRow:
    """Publish now (drafts, pins in review and failed pins too): 200 with the pin ``published``,
    ``failed`` or ``review``, or 202 while Pinterest has not answered within the wait."""
    publisher = Publisher(database, access, settings)
    pin = await publish_now(publisher, user, pin_id, wait=settings.publish_now_wait_seconds)
    if pin.status is PinStatus.PUBLISHING:
        response.status_code = status.HTTP_202_ACCEPTED
    return pin
