"""The event outbox: what happened, recorded in the same transaction as the change itself.

Webhook delivery reads it later, so producing an event never waits on a network call: an event
that an active webhook listens to also enqueues ``webhooks.fan_out`` in that same transaction.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.models import Event, Pin, PinterestProfile
from pinsmith.webhooks.repository import WebhookRepository
from pinsmith.worker import enqueue

FAN_OUT = "webhooks.fan_out"


class EventType(StrEnum):
    PIN_CREATED = "pin.created"
    PIN_SCHEDULED = "pin.scheduled"
    PIN_STATUS_CHANGED = "pin.status_changed"
    PIN_PUBLISHED = "pin.published"
    PIN_FAILED = "pin.failed"
    PIN_REVIEW = "pin.review"
    PROFILE_NEEDS_RECONNECT = "profile.needs_reconnect"
    WEBHOOK_DISABLED = "webhook.disabled"


def pin_data(pin: Pin) -> dict[str, Any]:
    """The pin as PinFlow's webhook payload describes it, plus the fields a receiver needs."""
    return {
        "pin_id": pin.id,
        "title": pin.title,
        "board_id": pin.board_id,
        "status": pin.status.value,
        "pinterest_pin_id": pin.pinterest_pin_id,
        "scheduled_at": pin.scheduled_at.isoformat() if pin.scheduled_at else None,
        "profile_id": pin.profile_id,
    }


def profile_data(profile: PinterestProfile) -> dict[str, Any]:
    return {
        "profile_id": profile.id,
        "pinterest_user_id": profile.pinterest_user_id,
        "pinterest_username": profile.username,
        "status": profile.status.value,
    }


async def record_pin_event(session: AsyncSession, type: EventType, pin: Pin, **extra: Any) -> Event:
    return await record(session, type, pin.user_id, pin_data(pin) | extra, pin_id=pin.id)


async def record_profile_event(
    session: AsyncSession, type: EventType, profile: PinterestProfile, *, reason: str | None
) -> Event:
    return await record(session, type, profile.user_id, profile_data(profile) | {"reason": reason})


async def record(
    session: AsyncSession,
    type: EventType,
    user_id: int,
    data: dict[str, Any],
    *,
    pin_id: int | None = None,
) -> Event:
    """Add the event to the caller's transaction, and its fan-out if a webhook listens to it
    (``data["profile_id"]`` names the profile whose webhooks may)."""
    event = Event(user_id=user_id, type=type.value, pin_id=pin_id, data=data)
    session.add(event)
    profile_id = data.get("profile_id")
    if profile_id is not None and await WebhookRepository(session).is_listened_to(
        user_id, profile_id, type.value
    ):
        await session.flush()
        await enqueue(session, FAN_OUT, {"event_id": event.id})
    return event
