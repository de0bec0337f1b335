from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from pinsmith.auth.dependencies import CurrentUser
from pinsmith.dependencies import AppSettings, Box, DbSession
from pinsmith.kit.schemas import RowId
from pinsmith.webhooks import service
from pinsmith.webhooks.schemas import Delivery, Webhook, WebhookCreate, WebhookUpdate

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@router.get("", response_model=list[Webhook])
async def list_webhooks(user: CurrentUser, session: DbSession) -> list[Webhook]:
    return await service.list_for_user(session, user)


@router.post("", response_model=Webhook, status_code=status.HTTP_201_CREATED)
async def create_webhook(
    user: CurrentUser, session: DbSession, box: Box, settings: AppSettings, body: WebhookCreate
) -> Webhook:
    return await service.create(session, box, settings, user, body)


@router.get("/{webhook_id}", response_model=Webhook)
async def get_webhook(user: CurrentUser, session: DbSession, webhook_id: RowId) -> Webhook:
    return await service.get(session, user, webhook_id)


@router.put("/{webhook_id}", response_model=Webhook)
async def update_webhook(
    user: CurrentUser,
    session: DbSession,
    box: Box,
    settings: AppSettings,
    webhook_id: RowId,
    body: WebhookUpdate,
) -> Webhook:
    return await service.update(session, box, settings, user, webhook_id, body)


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_webhook(user: CurrentUser, session: DbSession, webhook_id: RowId) -> None:
    await service.delete(session, user, webhook_id)


@router.get("/{webhook_id}/deliveries", response_model=list[Delivery])
async def list_deliveries(
    user: CurrentUser,
    session: DbSession,
    webhook_id: RowId,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[Delivery]:
    return await service.deliveries(session, user, webhook_id, limit=limit)


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/redeliver",
    response_model=Delivery,
    status_code=status.HTTP_202_ACCEPTED,
)
async def redeliver(
    user: CurrentUser, session: DbSession, webhook_id: RowId, delivery_id: RowId
) -> Delivery:
    return await service.redeliver(session, user, webhook_id, delivery_id)
