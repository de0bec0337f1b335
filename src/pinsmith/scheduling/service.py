"""Each profile's schedule, and when its queued pins are expected to go out.

``scheduled`` pins publish at their ``scheduled_at``. ``queued`` pins take the profile's next free
slots in ``sort_order``: a slot is free unless a scheduled pin of the profile publishes at its
instant. A profile without slots publishes its queued pins as soon as pacing allows: each is
expected now, and pacing (the profile's write budget) spaces them out when they publish.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.kit.errors import NotFound
from pinsmith.kit.time import utcnow
from pinsmith.models import PinterestProfile, ProfileSchedule, User
from pinsmith.profiles import service as profiles
from pinsmith.scheduling.repository import ScheduleRepository
from pinsmith.scheduling.schemas import MAX_JITTER_MINUTES, Schedule, ScheduleUpdate
from pinsmith.scheduling.slots import WEEKDAYS, WeeklySlots, parse_slot, upcoming


@dataclass(frozen=True)
class QueuedPin:
    """A queued pin and when it is expected to publish."""

    pin_id: int
    title: str | None
    board_id: str | None
    sort_order: int
    expected_at: datetime


async def get_schedule(session: AsyncSession, user: User, profile_id: int) -> Schedule:
    """The profile's schedule; one never set is the user's zone, no slots, every day, no jitter."""
    profile = await profiles.get(session, user, profile_id)
    row = await ScheduleRepository(session).for_profile(profile.id)
    return _schedule(profile, row, user.timezone)


async def put_schedule(
    session: AsyncSession, user: User, profile_id: int, data: ScheduleUpdate
) -> Schedule:
    profile = await profiles.get(session, user, profile_id)
    row = await _row_for(session, profile.id)
    row.timezone = data.timezone
    row.slots = list(data.slots)
    row.days = list(data.days)
    row.jitter_minutes = data.jitter_minutes
    await session.flush()
    return _schedule(profile, row, user.timezone)


async def queue(session: AsyncSession, user: User, profile_id: int) -> list[QueuedPin]:
    profile = await profiles.get(session, user, profile_id)
    return await expected_times(session, profile)


async def expected_times(session: AsyncSession, profile: PinterestProfile) -> list[QueuedPin]:
    """The profile's queued pins in publishing order, each with the instant it is expected at."""
    repository = ScheduleRepository(session)
    now = utcnow()
    queued = await repository.queued_pins(profile.id)
    slots = await weekly_slots(session, profile)
    if slots is None:
        expected: Sequence[datetime] = [now] * len(queued)
    else:
        since = now - timedelta(minutes=MAX_JITTER_MINUTES)
        taken = await repository.scheduled_instants(profile.id, since)
        free = (
            slot.at
            for slot in upcoming(slots, now)
            if slot.nominal not in taken and slot.at not in taken
        )
        expected = [at for _, at in zip(queued, free, strict=False)]
    return [
        QueuedPin(pin.id, pin.title, pin.board_id, pin.sort_order, at)
        for pin, at in zip(queued, expected, strict=True)
    ]


async def weekly_slots(session: AsyncSession, profile: PinterestProfile) -> WeeklySlots | None:
    """The profile's slots as the time library reads them; None if it has none."""
    repository = ScheduleRepository(session)
    row = await repository.for_profile(profile.id)
    if row is None or not row.slots:
        return None
    zone = row.timezone or await repository.owner_timezone(profile.user_id)
    return WeeklySlots(
        zone=ZoneInfo(zone),
        slots=tuple(parse_slot(slot) for slot in row.slots),
        days=frozenset(WEEKDAYS.index(day) for day in row.days),
        jitter_minutes=row.jitter_minutes,
        seed=str(profile.id),
    )


async def pause(session: AsyncSession, profile_id: int, reason: str) -> None:
    """Stop publishing through the profile until its owner resumes it."""
    row = await _row_for(session, profile_id)
    row.paused_at, row.pause_reason = utcnow(), reason[:500]
    await session.flush()


async def hold_writes(session: AsyncSession, profile_id: int, until: datetime) -> None:
    """No publishing through the profile before ``until`` (Pinterest's rate limit resets)."""
    row = await _row_for(session, profile_id)
    row.next_write_at = max(until, row.next_write_at) if row.next_write_at else until
    await session.flush()


async def _row_for(session: AsyncSession, profile_id: int) -> ProfileSchedule:
    """The profile's schedule row, locked for this transaction; added with the defaults if
    missing, also when concurrent jobs (rate-limit holds) add it at the same moment."""
    repository = ScheduleRepository(session)
    row = await repository.for_profile(profile_id, lock=True)
    if row is None:
        await repository.add_default(profile_id)
        row = await repository.for_profile(profile_id, lock=True)
    if row is None:  # the profile itself is gone (a foreign key would have refused the row)
        raise NotFound("Profile not found")
    return row


async def resume(session: AsyncSession, user: User, profile_id: int) -> Schedule:
    """Publish through the profile again after a pause."""
    profile = await profiles.get(session, user, profile_id)
    row = await ScheduleRepository(session).for_profile(profile.id)
    if row is not None:
        row.paused_at, row.pause_reason = None, None
        await session.flush()
    return _schedule(profile, row, user.timezone)


def _schedule(profile: PinterestProfile, row: ProfileSchedule | None, user_zone: str) -> Schedule:
    if row is None:
        return Schedule(
            profile_id=profile.id,
            timezone=user_zone,
            timezone_is_default=True,
            slots=[],
            days=list(WEEKDAYS),
            jitter_minutes=0,
        )
    return Schedule(
        profile_id=profile.id,
        timezone=row.timezone or user_zone,
        timezone_is_default=row.timezone is None,
        slots=list(row.slots),
        days=list(row.days),
        jitter_minutes=row.jitter_minutes,
        paused_at=row.paused_at,
        pause_reason=row.pause_reason,
    )
