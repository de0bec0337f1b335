from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request, Response, status

from pinsmith.auth.dependencies import CurrentUser
from pinsmith.dependencies import (
    AppSettings,
    DbSession,
    RemoteCallRoute,
    get_board_selector,
    get_database,
    get_pinterest,
    get_settings,
)
from pinsmith.kit.responses import rows_response
from pinsmith.kit.schemas import QueryText, RowId
from pinsmith.models import Pin as PinRow
from pinsmith.models import PinStatus
from pinsmith.pins import service
from pinsmith.pins.placing import PinCreator
from pinsmith.pins.schemas import (
    MAX_BULK_PINS,
    BulkSchedule,
    BulkStatus,
    Pin,
    PinCreate,
    PinIds,
    PinterestId,
    PinUpdate,
    Updated,
)
from pinsmith.pins.service import MAX_PAGE, PinFilters

router = APIRouter(prefix="/pins", tags=["pins"])
# Creating pins may wait on Pinterest (auto_board): the request only reads, and the pins are
# written in one short transaction of their own (pins/placing.py).
creation_router = APIRouter(prefix="/pins", tags=["pins"], route_class=RemoteCallRoute)


async def get_pin_creator(request: Request) -> PinCreator:
    return PinCreator(
        get_database(request),
        get_pinterest(request),
        get_board_selector(request),
        get_settings(request),
    )


Creator = Annotated[PinCreator, Depends(get_pin_creator)]

BulkPins = Annotated[list[PinCreate], Body(min_length=1, max_length=MAX_BULK_PINS)]


@router.get("", response_model=list[Pin])
async def list_pins(
    user: CurrentUser,
    session: DbSession,
    request: Request,
    status: PinStatus | None = None,
    title: Annotated[QueryText | None, Query(description="Case-insensitive partial match")] = None,
    board_id: PinterestId | None = None,
    collection_id: RowId | None = None,
    limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE)] = None,
    cursor: Annotated[str | None, Query(description="From the previous page's Link")] = None,
) -> Response:
    """A plain JSON array, as PinFlow answers; a `Link: <...>; rel="next"` header while more
    remain (pages of `limit`, or of 10,000 without it)."""
    filters = PinFilters(status, title, board_id, collection_id, limit, cursor)
    page = await service.list_pins(session, user, filters)
    headers = {}
    if page.next_cursor is not None:
        next_url = request.url.include_query_params(cursor=page.next_cursor)
        headers["Link"] = f'<{next_url}>; rel="next"'
    return rows_response(page.rows, headers=headers)


@creation_router.post("", response_model=Pin, status_code=status.HTTP_201_CREATED)
async def create_pin(
    user: CurrentUser, session: DbSession, creator: Creator, body: PinCreate
) -> PinRow:
    """Omit `status` to queue, `"draft"` to keep it back, `scheduled_at` to schedule.
    `"auto_board": true` instead of `board_id` lets pinsmith choose (or make) the board."""
    return await creator.create(session, user, body)


@creation_router.post("/bulk", response_model=list[Pin], status_code=status.HTTP_201_CREATED)
async def create_pins(
    user: CurrentUser, session: DbSession, creator: Creator, body: BulkPins
) -> Sequence[PinRow]:
    return await creator.create_many(session, user, body)


@router.delete("/bulk", status_code=status.HTTP_204_NO_CONTENT)
async def delete_pins(user: CurrentUser, session: DbSession, body: PinIds) -> None:
    await service.delete_many(session, user, body.pin_ids)


@router.put("/bulk/status", response_model=Updated)
async def set_pins_status(user: CurrentUser, session: DbSession, body: BulkStatus) -> Updated:
    updated = await service.set_status_many(session, user, body.pin_ids, PinStatus(body.status))
    return Updated(updated=updated)


@router.put("/bulk/schedule", response_model=Updated)
async def schedule_pins(user: CurrentUser, session: DbSession, body: BulkSchedule) -> Updated:
    updated = await service.schedule_many(session, user, body.pin_ids, body.scheduled_at)
    return Updated(updated=updated)


@router.put("/reorder", response_model=Updated)
async def reorder_pins(user: CurrentUser, session: DbSession, body: PinIds) -> Updated:
    return Updated(updated=await service.reorder(session, user, body.pin_ids))


@router.get("/calendar", response_model=list[Pin])
async def pins_calendar(
    user: CurrentUser,
    session: DbSession,
    year: Annotated[int, Query(ge=1970, le=9998)],
    month: Annotated[int, Query(ge=1, le=12)],
) -> Response:
    """Scheduled and published pins of the month, its bounds in the account's time zone."""
    return rows_response(await service.calendar(session, user, year, month))


@router.get("/{pin_id}", response_model=Pin)
async def get_pin(user: CurrentUser, session: DbSession, pin_id: RowId) -> PinRow:
    return await service.get(session, user, pin_id)


@router.put("/{pin_id}", response_model=Pin)
async def update_pin(
    user: CurrentUser, session: DbSession, settings: AppSettings, pin_id: RowId, body: PinUpdate
) -> PinRow:
    return await service.update(session, settings, user, pin_id, body)


@router.delete("/{pin_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_pin(user: CurrentUser, session: DbSession, pin_id: RowId) -> None:
    await service.delete(session, user, pin_id)
