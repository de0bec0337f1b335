"""The one clock of pinsmith, so tests can move time instead of sleeping."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Clock = Callable[[], datetime]


def _system_clock() -> datetime:
    return datetime.now(UTC)


_clock: Clock = _system_clock


def utcnow() -> datetime:
    """Now, timezone-aware in UTC, from the current clock."""
    return _clock()


@contextmanager
def use_clock(clock: Clock) -> Iterator[None]:
    """Replace the clock for the duration of the block (tests, simulations)."""
    global _clock
    previous, _clock = _clock, clock
    try:
        yield
    finally:
        _clock = previous


def as_utc(value: datetime) -> datetime:
    """Treat a naive datetime as UTC (as PinFlow documents) and normalise aware ones to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


#: The last year a client's instant may fall in: a year short of ``datetime.max``, so the
#: calendar, the slots and the retries can add days and months to it without overflowing.
LAST_YEAR = 9998
TOO_LATE = f"must be before the year {LAST_YEAR + 1}"


def client_instant(value: datetime) -> datetime:
    """``as_utc`` for an instant a client sent: ValueError past ``LAST_YEAR`` (in UTC), where
    9999-12-31T23:00-12:00 used to overflow while being converted."""
    try:
        moment = as_utc(value)
    except OverflowError:
        raise ValueError(TOO_LATE) from None
    if moment.year > LAST_YEAR:
        raise ValueError(TOO_LATE)
    return moment


def check_timezone(name: str) -> str:
    """The name if it is an IANA time zone (``Europe/Lisbon``), else ValueError."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA time zone {name!r} (e.g. 'Europe/Lisbon', 'UTC')") from exc
    return name
