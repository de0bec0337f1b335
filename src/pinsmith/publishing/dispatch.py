"""Which pins are due, claimed for publishing in the transaction that enqueues their job.

- A ``scheduled`` pin is due at its ``scheduled_at``.
- A ``queued`` pin waits for its profile's next time slot; the first queued pin (by
  ``sort_order``) takes a slot that came due in the last ``SLOT_GRACE`` and was not used yet, and
  keeps that instant as its ``scheduled_at``, which is how a slot is known to be used. A profile
  without slots publishes its queued pins one per dispatch round.
- Profiles that need reconnecting, are paused after a spam block, or wait for Pinterest's rate
  limit to reset are skipped: their pins wait, nothing fails.
Each profile's writes are spaced to stay within Pinterest's ``org_write`` budget (100 a minute
by default): a round claims at most ``writes_per_minute // 60`` pins of a profile, and the profile
then waits ``count / writes_per_minute`` minutes before its next claim.
Claiming moves the pin to ``publishing`` and enqueues ``publishing.publish`` in one transaction,
so a pin is handed to exactly one job however many workers dispatch at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.kit.db import Database
from pinsmith.kit.time import utcnow
from pinsmith.models import (
    Job,
    JobStatus,
    Pin,
    PinStatus,
    PinterestProfile,
    ProfileSchedule,
    ProfileStatus,
)
from pinsmith.pins import service as pins
from pinsmith.scheduling import service as scheduling
from pinsmith.scheduling.slots import upcoming
from pinsmith.worker import enqueue

PUBLISH_TASK = "publishing.publish"
#: A slot missed by more than this (pinsmith was down) is skipped rather than caught up on.
SLOT_GRACE = timedelta(minutes=10)
#: Scheduled pins claimed per round at most (the rest go in the next one).
BATCH = 200
#: Pins that hold a slot once they have left the queue.
SLOT_HOLDERS = (
    PinStatus.SCHEDULED,
    PinStatus.PUBLISHING,
    PinStatus.PUBLISHED,
    PinStatus.FAILED,
    PinStatus.REVIEW,
)


async def dispatch_due(database: Database, *, writes_per_minute: int = 100) -> int:
    """Claim every pin that is due now, within each profile's write budget (Pinterest's
    ``org_write``: ``writes_per_minute``); how many were claimed."""
    now = utcnow()
    per_round = max(1, writes_per_minute // 60)  # at most that many a second
    if not await _anything_due(database, now):
        return 0  # the common case: no write transaction at all
    async with database.transaction() as session:
        claimed: Counter[int] = Counter()
        for pin in await _due_scheduled(session, now):
            if pin.profile_id is not None and claimed[pin.profile_id] < per_round:
                await _claim(session, pin)
                claimed[pin.profile_id] += 1
        for profile in await _profiles_with_queued_pins(session, now):
            if claimed[profile.id] >= per_round:
                continue
            queued = await _next_queued_due(session, profile, now)
            if queued is not None:
                await _claim(session, queued)
                claimed[profile.id] += 1
        spacing = timedelta(minutes=1) / writes_per_minute
        for profile_id, count in claimed.items():
            await scheduling.hold_writes(session, profile_id, now + spacing * count)
        return sum(claimed.values())


async def _anything_due(database: Database, now: datetime) -> bool:
    """A read-only look: is a scheduled pin due, or a queued pin's slot free?"""
    async with database.transaction(write=False) as session:
        due = select(Pin.id).where(
            Pin.status == PinStatus.SCHEDULED,
            Pin.scheduled_at <= now,
            Pin.profile_id.in_(_publishing_profiles(now)),
        )
        if (await session.execute(due.limit(1))).first() is not None:
            return True
        for profile in await _profiles_with_queued_pins(session, now):
            if await _queued_turn(session, profile, now) is not None:
                return True
        return False


async def _claim(session: AsyncSession, pin: Pin) -> None:
    pin.attempt_started_at = None
    await pins.move(session, pin, PinStatus.PUBLISHING, pin.scheduled_at)
    await enqueue(session, PUBLISH_TASK, {"pin_id": pin.id})


def _publishing_profiles(now: datetime) -> Select[int]:
    """Profiles pins may publish through now: connected, not paused after a spam block, and not
    waiting for Pinterest's rate limit to reset."""
    paused = select(ProfileSchedule.profile_id).where(
        ProfileSchedule.paused_at.is_not(None) | (ProfileSchedule.next_write_at > now)
    )
    return select(PinterestProfile.id).where(
        PinterestProfile.status == ProfileStatus.ACTIVE, PinterestProfile.id.not_in(paused)
    )


async def _due_scheduled(session: AsyncSession, now: datetime) -> Sequence[Pin]:
    statement = (
        select(Pin)
        .where(
            Pin.status == PinStatus.SCHEDULED,
            Pin.scheduled_at <= now,
            Pin.profile_id.in_(_publishing_profiles(now)),
        )
        .order_by(Pin.scheduled_at, Pin.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    return (await session.execute(statement)).scalars().all()


async def _profiles_with_queued_pins(
    session: AsyncSession, now: datetime
) -> Sequence[PinterestProfile]:
    waiting = select(Pin.profile_id).where(Pin.status == PinStatus.QUEUED).distinct()
    statement = select(PinterestProfile).where(
        PinterestProfile.id.in_(waiting), PinterestProfile.id.in_(_publishing_profiles(now))
    )
    return (await session.execute(statement.order_by(PinterestProfile.id))).scalars().all()


async def _next_queued_due(
    session: AsyncSession, profile: PinterestProfile, now: datetime
) -> Pin | None:
    """The profile's first queued pin, if a slot is free for it now."""
    turn = await _queued_turn(session, profile, now)
    if turn is None:
        return None
    statement = (
        select(Pin)
        .where(Pin.profile_id == profile.id, Pin.status == PinStatus.QUEUED)
        .order_by(Pin.sort_order, Pin.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    pin = (await session.execute(statement)).scalars().first()
    if pin is not None and turn.slot_at is not None:
        pin.scheduled_at = turn.slot_at  # the slot is now this pin's
    return pin


@dataclass(frozen=True)
class QueuedTurn:
    """A queued pin of the profile may go now, in the slot at ``slot_at`` (None: the profile
    has no slots, and its queued pins go as soon as pacing allows)."""

    slot_at: datetime | None


async def _queued_turn(
    session: AsyncSession, profile: PinterestProfile, now: datetime
) -> QueuedTurn | None:
    """The profile's turn to publish a queued pin now, if it has one."""
    slots = await scheduling.weekly_slots(session, profile)
    if slots is None:
        return QueuedTurn(slot_at=None)
    for slot in upcoming(slots, now - SLOT_GRACE):
        if slot.at > now:
            return None
        if not await _slot_used(session, profile.id, slot.at, slot.nominal):
            return QueuedTurn(slot_at=slot.at)
    return None


async def _slot_used(
    session: AsyncSession, profile_id: int, at: datetime, nominal: datetime
) -> bool:
    statement = select(Pin.id).where(
        Pin.profile_id == profile_id,
        Pin.status.in_(SLOT_HOLDERS),
        Pin.scheduled_at.in_([at, nominal]),
    )
    return (await session.execute(statement.limit(1))).first() is not None


#: A pin ``publishing`` this long without a live job was abandoned (its last job died); the
#: longest legitimate stay is a publish-now call: the wait, a Pinterest timeout, a reconcile.
ORPHAN_AFTER = timedelta(minutes=10)


async def adopt_orphans(database: Database) -> int:
    """Give a new publishing job to each pin left ``publishing`` with none (its worker died on
    the job's last attempt); the job reconciles before anything else. How many were adopted."""
    now = utcnow()
    live_jobs = select(Job.payload["pin_id"].as_integer()).where(
        Job.kind == PUBLISH_TASK, Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING))
    )
    statement = (
        select(Pin)
        .where(
            Pin.status == PinStatus.PUBLISHING,
            Pin.updated_at < now - ORPHAN_AFTER,
            Pin.id.not_in(live_jobs),
        )
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    async with database.transaction() as session:
        orphans = (await session.execute(statement)).scalars().all()
        for pin in orphans:
            pin.updated_at = now  # not adopted twice while its job waits to run
            await enqueue(session, PUBLISH_TASK, {"pin_id": pin.id})
        return len(orphans)
