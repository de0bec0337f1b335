"""The event outbox: what happened, recorded in the same transaction as the change itself.

Webhook delivery reads it later, so producing an event never waits on a network call.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.models import Event, Pin


class EventType(StrEnum):
    PIN_CREATED = "pin.created"
    PIN_SCHEDULED = "pin.scheduled"
    PIN_STATUS_CHANGED = "pin.status_changed"
    PIN_PUBLISHED = "pin.published"
    PIN_FAILED = "pin.failed"
    PIN_REVIEW = "pin.review"


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


async def record_pin_event(session: AsyncSession, type: EventType, pin: Pin, **extra: Any) -> None:
    session.add(
        Event(user_id=pin.user_id, type=type.value, pin_id=pin.id, data=pin_data(pin) | extra)
    )
