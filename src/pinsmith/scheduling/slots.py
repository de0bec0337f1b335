"""Time slots: when a weekly local-time schedule falls, as instants in UTC. A library: no database.

Local time exists only here, at the edge. Daylight saving moves nothing but the slots it must:
- a slot inside a skipped hour (spring forward) runs at the first instant after the gap, the
  transition itself (02:30 in New York on 2026-03-08 runs at 03:00 EDT);
- a slot inside a repeated hour (fall back) runs once, at its first occurrence (01:30 in New York
  on 2026-11-01 runs at 01:30 EDT, not again at 01:30 EST).
Two slots that land on the same instant (02:30 and 03:00 on a spring-forward day) are one slot.

Jitter moves each slot by a whole number of minutes in [-jitter, +jitter], derived from a hash of
the schedule's ``seed`` (the profile) and the slot's instant, so that everyone who computes the
slots (the queue view, the publisher) gets the same answer.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class WeeklySlots:
    """Local times of day (``slots``) on some weekdays (``days``: 0 is Monday) in ``zone``."""

    zone: ZoneInfo
    slots: tuple[time, ...]
    days: frozenset[int] = frozenset(range(7))
    jitter_minutes: int = 0
    seed: str = ""  # what makes this schedule's jitter its own, e.g. the profile id


@dataclass(frozen=True, order=True)
class TimeSlot:
    """One slot: ``at`` is when it runs (jittered), ``nominal`` the instant its local time names."""

    at: datetime
    nominal: datetime


def parse_slot(text: str) -> time:
    """``"HH:MM"`` (00:00 to 23:59) as a time of day, else ValueError."""
    hours, sep, minutes = text.partition(":")
    digits = hours + minutes
    # isascii: str.isdigit also takes other scripts' digits (Arabic-Indic "09:00"), which would
    # be stored as sent and slip past the duplicate check next to "09:00".
    if not (
        sep and len(hours) == 2 and len(minutes) == 2 and digits.isascii() and digits.isdigit()
    ):
        raise ValueError(f"{text!r} is not a time of day as HH:MM")
    if int(hours) > 23 or int(minutes) > 59:
        raise ValueError(f"{text!r} is not a time of day between 00:00 and 23:59")
    return time(int(hours), int(minutes))


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant at which the wall clock of ``zone`` shows ``at`` on ``day``.

    Shown twice (fall back): the first time. Never shown (spring forward): the end of the gap.
    """
    wall = datetime.combine(day, at)
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # In a gap, fold=0 reads the wall time with the offset before the transition and fold=1 with
    # the one after (PEP 495); the transition lies between the two readings.
    other = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    return _transition_between(min(first, other), max(first, other), zone)


def _transition_between(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The first second in (before, after] whose UTC offset is that of ``after``."""

    def offset(second: int) -> timedelta | None:
        return datetime.fromtimestamp(second, zone).utcoffset()

    low, high = int(before.timestamp()), int(after.timestamp())
    target = offset(high)
    while high - low > 1:
        middle = (low + high) // 2
        if offset(middle) == target:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def jitter(seed: str, nominal: datetime, jitter_minutes: int) -> timedelta:
    """The slot's own offset in [-jitter_minutes, +jitter_minutes] minutes, always the same."""
    if jitter_minutes <= 0:
        return timedelta(0)
    key = f"{seed}|{nominal.astimezone(UTC).isoformat()}".encode()
    draw = int.from_bytes(hashlib.sha256(key).digest()[:8], "big")
    return timedelta(minutes=draw % (2 * jitter_minutes + 1) - jitter_minutes)


def upcoming(schedule: WeeklySlots, after: datetime) -> Iterator[TimeSlot]:
    """The slots that run at or after ``after``, in the order they run, without end.

    Jitter never moves a slot before ``after``: a slot due earlier than that runs at ``after``.
    Nothing if the schedule has no slots or no days.
    """
    if not schedule.slots or not schedule.days:
        return
    reach = timedelta(minutes=max(schedule.jitter_minutes, 0))
    pending: list[TimeSlot] = []  # jittered, not yet yielded; a heap by (at, nominal)
    for nominal in _nominal_instants(schedule, after - reach):
        # No slot still to come can run before nominal - reach: the earlier ones are final.
        while pending and pending[0].at <= nominal - reach:
            yield heapq.heappop(pending)
        at = nominal + jitter(schedule.seed, nominal, schedule.jitter_minutes)
        if max(at, nominal) >= after:
            heapq.heappush(pending, TimeSlot(at=max(at, after), nominal=nominal))


def _nominal_instants(schedule: WeeklySlots, since: datetime) -> Iterator[datetime]:
    """The slots' instants before jitter, at or after ``since``, in order, each instant once."""
    slots = sorted(schedule.slots)
    day = since.astimezone(schedule.zone).date() - timedelta(days=1)
    last: datetime | None = None
    while True:
        if day.weekday() in schedule.days:
            for slot in slots:
                instant = local_instant(day, slot, schedule.zone)
                if instant >= since and instant != last:
                    last = instant
                    yield instant
        day += timedelta(days=1)
