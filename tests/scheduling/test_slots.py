from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import pytest

from pinsmith.scheduling.slots import (
    WeeklySlots,
    jitter,
    local_instant,
    parse_slot,
    upcoming,
)

LISBON = ZoneInfo("Europe/Lisbon")
NEW_YORK = ZoneInfo("America/New_York")


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def local(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%a %Y-%m-%d %H:%M %Z")


def first(schedule: WeeklySlots, after: datetime, count: int) -> list[datetime]:
    return [slot.at for slot in islice(upcoming(schedule, after), count)]


def test_slots_follow_the_local_clock_day_after_day() -> None:
    schedule = WeeklySlots(LISBON, (time(9), time(13, 30), time(20, 15)))

    # 2026-05-01 is a Friday; Lisbon is on WEST (UTC+1). 12:00 UTC is 13:00 local.
    slots = first(schedule, utc(2026, 5, 1, 12), 4)

    assert [local(at, LISBON) for at in slots] == [
        "Fri 2026-05-01 13:30 WEST",
        "Fri 2026-05-01 20:15 WEST",
        "Sat 2026-05-02 09:00 WEST",
        "Sat 2026-05-02 13:30 WEST",
    ]
    assert slots[0] == utc(2026, 5, 1, 12, 30)


def test_a_slot_at_the_exact_instant_is_upcoming() -> None:
    schedule = WeeklySlots(ZoneInfo("UTC"), (time(12),))

    assert first(schedule, utc(2026, 5, 1, 12), 1) == [utc(2026, 5, 1, 12)]


def test_only_the_chosen_weekdays_have_slots() -> None:
    monday, thursday = 0, 3
    schedule = WeeklySlots(LISBON, (time(9),), days=frozenset({monday, thursday}))

    slots = first(schedule, utc(2026, 5, 1, 12), 4)

    assert [local(at, LISBON) for at in slots] == [
        "Mon 2026-05-04 09:00 WEST",
        "Thu 2026-05-07 09:00 WEST",
        "Mon 2026-05-11 09:00 WEST",
        "Thu 2026-05-14 09:00 WEST",
    ]


def test_a_schedule_without_slots_or_days_has_no_slots() -> None:
    assert first(WeeklySlots(LISBON, ()), utc(2026, 5, 1), 1) == []
    assert first(WeeklySlots(LISBON, (time(9),), days=frozenset()), utc(2026, 5, 1), 1) == []


def test_spring_forward_runs_a_skipped_slot_at_the_end_of_the_gap() -> None:
    # New York, 2026-03-08: at 02:00 EST the clocks jump to 03:00 EDT (07:00 UTC).
    schedule = WeeklySlots(NEW_YORK, (time(1, 30), time(2, 30), time(9)))

    slots = first(schedule, utc(2026, 3, 7, 12), 7)

    assert [local(at, NEW_YORK) for at in slots] == [
        "Sat 2026-03-07 09:00 EST",
        "Sun 2026-03-08 01:30 EST",
        "Sun 2026-03-08 03:00 EDT",  # 02:30 never happens: the first instant after the gap
        "Sun 2026-03-08 09:00 EDT",  # the other slots keep their local time
        "Mon 2026-03-09 01:30 EDT",
        "Mon 2026-03-09 02:30 EDT",
        "Mon 2026-03-09 09:00 EDT",
    ]
    assert slots[2] == utc(2026, 3, 8, 7)


def test_spring_forward_in_lisbon() -> None:
    # Lisbon, 2026-03-29: at 01:00 WET the clocks jump to 02:00 WEST (01:00 UTC).
    assert local_instant(date(2026, 3, 29), time(1, 30), LISBON) == utc(2026, 3, 29, 1)
    assert local_instant(date(2026, 3, 29), time(0, 59), LISBON) == utc(2026, 3, 29, 0, 59)
    assert local_instant(date(2026, 3, 29), time(2), LISBON) == utc(2026, 3, 29, 1)
    assert local_instant(date(2026, 3, 29), time(9), LISBON) == utc(2026, 3, 29, 8)


def test_a_skipped_slot_and_the_slot_after_the_gap_are_one_slot() -> None:
    schedule = WeeklySlots(NEW_YORK, (time(2, 30), time(3)))

    slots = first(schedule, utc(2026, 3, 8, 0), 3)

    assert slots == [utc(2026, 3, 8, 7), utc(2026, 3, 9, 6, 30), utc(2026, 3, 9, 7)]


def test_fall_back_runs_a_repeated_slot_once_at_its_first_occurrence() -> None:
    # New York, 2026-11-01: at 02:00 EDT the clocks go back to 01:00 EST; 01:30 happens twice.
    schedule = WeeklySlots(NEW_YORK, (time(1, 30), time(9)))

    slots = first(schedule, utc(2026, 10, 31, 12), 5)

    assert [local(at, NEW_YORK) for at in slots] == [
        "Sat 2026-10-31 09:00 EDT",
        "Sun 2026-11-01 01:30 EDT",  # once, the first time (05:30 UTC); not again at 06:30 UTC
        "Sun 2026-11-01 09:00 EST",
        "Mon 2026-11-02 01:30 EST",
        "Mon 2026-11-02 09:00 EST",
    ]
    assert slots[1] == utc(2026, 11, 1, 5, 30)


def test_after_the_first_occurrence_a_repeated_slot_waits_for_the_next_day() -> None:
    schedule = WeeklySlots(NEW_YORK, (time(1, 30),))

    # 06:00 UTC is 01:00 EST, the second time round: 01:30 already ran an hour ago.
    slots = first(schedule, utc(2026, 11, 1, 6), 1)

    assert slots == [utc(2026, 11, 2, 6, 30)]


def test_jitter_is_deterministic_and_within_bounds() -> None:
    nominal = utc(2026, 5, 1, 9)
    offsets = {jitter(str(profile), nominal, 5) for profile in range(200)}

    assert jitter("7", nominal, 5) == jitter("7", nominal, 5)
    assert offsets <= {timedelta(minutes=m) for m in range(-5, 6)}
    assert len(offsets) > 1
    assert jitter("7", nominal, 0) == timedelta(0)


def test_jittered_slots_agree_between_callers_and_stay_in_order() -> None:
    schedule = WeeklySlots(LISBON, (time(9), time(9, 5), time(20)), jitter_minutes=30, seed="7")

    early = list(islice(upcoming(schedule, utc(2026, 5, 1)), 30))
    later = list(islice(upcoming(schedule, utc(2026, 5, 4)), 10))

    assert [slot.at for slot in early] == sorted(slot.at for slot in early)
    assert all(abs(slot.at - slot.nominal) <= timedelta(minutes=30) for slot in early)
    assert later == [slot for slot in early if slot.at >= utc(2026, 5, 4)][:10]


def test_jitter_never_moves_a_slot_before_after() -> None:
    nominal = utc(2026, 5, 1, 12)
    seed = next(
        s for s in map(str, range(1000)) if jitter(s, nominal, 60) <= timedelta(minutes=-10)
    )
    schedule = WeeklySlots(ZoneInfo("UTC"), (time(12),), jitter_minutes=60, seed=seed)
    after = nominal - timedelta(minutes=5)  # the slot's jittered time has already passed

    slot = next(upcoming(schedule, after))

    assert (slot.nominal, slot.at) == (nominal, after)


@pytest.mark.parametrize("seed", [str(n) for n in range(50)])
def test_no_jittered_slot_is_before_after(seed: str) -> None:
    schedule = WeeklySlots(NEW_YORK, (time(9), time(9, 1)), jitter_minutes=60, seed=seed)
    after = utc(2026, 5, 1, 13, 0, 30)

    slots = list(islice(upcoming(schedule, after), 6))

    assert all(slot.at >= after for slot in slots)
    assert slots == sorted(slots)


@pytest.mark.parametrize(
    "text",
    ["9:00", "24:00", "23:60", "ab:cd", "09:00:00", "", "+1:00", "\u0660\u0669:\u0660\u0660"],
)
def test_a_slot_must_be_hh_mm(text: str) -> None:
    with pytest.raises(ValueError, match=r"HH:MM|between"):
        parse_slot(text)


def test_slots_parse_from_midnight_to_the_last_minute() -> None:
    assert parse_slot("00:00") == time(0)
    assert parse_slot("23:59") == time(23, 59)
