"""The pin status machine, written once as a table, and the rule that picks a pin's status."""

from __future__ import annotations

from datetime import datetime

from pinsmith.kit.errors import BadRequest, Conflict
from pinsmith.models import PinStatus

DRAFT, REVIEW, QUEUED, SCHEDULED = (
    PinStatus.DRAFT,
    PinStatus.REVIEW,
    PinStatus.QUEUED,
    PinStatus.SCHEDULED,
)
PUBLISHING, PUBLISHED, FAILED = PinStatus.PUBLISHING, PinStatus.PUBLISHED, PinStatus.FAILED

# from -> the statuses it may move to. publishing is entered and left by the worker only.
TRANSITIONS: dict[PinStatus, frozenset[PinStatus]] = {
    DRAFT: frozenset({DRAFT, REVIEW, QUEUED, SCHEDULED}),
    REVIEW: frozenset({DRAFT, REVIEW, QUEUED, SCHEDULED}),
    QUEUED: frozenset({DRAFT, REVIEW, QUEUED, SCHEDULED, PUBLISHING}),
    SCHEDULED: frozenset({DRAFT, REVIEW, QUEUED, SCHEDULED, PUBLISHING}),
    PUBLISHING: frozenset({PUBLISHED, FAILED, QUEUED, SCHEDULED, REVIEW}),
    PUBLISHED: frozenset(),
    FAILED: frozenset({DRAFT, REVIEW, QUEUED, SCHEDULED}),
}
# What a person (or an API client) may set; the rest belongs to the publisher.
USER_SETTABLE = frozenset({DRAFT, REVIEW, QUEUED, SCHEDULED})
# On its way to Pinterest or already there: neither changed nor deleted.
LOCKED = frozenset({PUBLISHING, PUBLISHED})


def user_may_move(current: PinStatus, target: PinStatus) -> bool:
    """Whether a person may move a pin from ``current`` to ``target``."""
    return current not in LOCKED and target in USER_SETTABLE and target in TRANSITIONS[current]


def ensure_editable(status: PinStatus) -> None:
    if status in LOCKED:
        raise Conflict(f"A {status.value} pin cannot be changed or deleted")


def resolve(
    *,
    current: PinStatus | None,
    requested: PinStatus | None,
    scheduled_at: datetime | None,
    schedule_given: bool,
    now: datetime,
) -> tuple[PinStatus, datetime | None]:
    """The status and scheduled_at a pin ends up with after a create or an update.

    As PinFlow documents: no status queues the pin, a scheduled_at schedules it, ``draft`` keeps
    it back. Clearing scheduled_at of a scheduled pin puts it back in the queue.
    """
    if schedule_given and scheduled_at is not None and scheduled_at <= now:
        raise BadRequest("scheduled_at must be in the future")
    if requested is None:
        if schedule_given and scheduled_at is not None:
            requested = SCHEDULED
        elif current in (None, SCHEDULED) and scheduled_at is None:
            requested = QUEUED
        else:
            requested = current or QUEUED
    if requested is SCHEDULED:
        if scheduled_at is None:
            raise BadRequest("scheduled_at is required to schedule a pin")
        # A scheduled pin that is merely due (the publisher has not reached it) stays editable.
        if current is not SCHEDULED and scheduled_at <= now:
            raise BadRequest("scheduled_at is in the past: give a new one to schedule the pin")
    if requested is QUEUED:
        if schedule_given and scheduled_at is not None:
            raise BadRequest("A queued pin has no scheduled_at: omit status to schedule the pin")
        scheduled_at = None
    if current is not None and not user_may_move(current, requested):
        raise Conflict(f"A {current.value} pin cannot become {requested.value}")
    return requested, scheduled_at
