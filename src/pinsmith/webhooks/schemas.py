from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from pinsmith.kit.schemas import Input, Output, RowId
from pinsmith.models import DeliveryStatus


class WebhookEvent(StrEnum):
    """The events a webhook can listen to: PinFlow's four, then pinsmith's own."""

    PIN_CREATED = "pin.created"
    PIN_SCHEDULED = "pin.scheduled"
    PIN_PUBLISHED = "pin.published"
    PIN_FAILED = "pin.failed"
    PIN_REVIEW = "pin.review"
    PROFILE_NEEDS_RECONNECT = "profile.needs_reconnect"


class WebhookCreate(Input):
    url: str = Field(min_length=1, max_length=2048)
    event: WebhookEvent
    secret: str | None = Field(default=None, min_length=1, max_length=256)
    profile_id: RowId | None = None  # default: the selected profile


class WebhookUpdate(Input):
    """Only the fields sent change; ``"secret": null`` stops signing."""

    url: str | None = Field(default=None, min_length=1, max_length=2048)
    event: WebhookEvent | None = None
    secret: str | None = Field(default=None, min_length=1, max_length=256)
    is_active: bool | None = None


class Webhook(Output):
    """PinFlow's webhook object, plus when it was made and why it was switched off, if it was.
    The secret is never returned."""

    id: int
    profile_id: int
    pinterest_user_id: str
    pinterest_username: str
    url: str
    event: str
    is_active: bool
    failing_since: datetime | None
    disabled_reason: str | None
    created_at: datetime


class DeliveryAttempt(Output):
    number: int
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class Delivery(Output):
    id: int
    webhook_id: int
    event_id: int
    event: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime
    attempt_log: list[DeliveryAttempt]
