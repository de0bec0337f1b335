from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator

from pinsmith.kit.schemas import Input, Output, Timezone
from pinsmith.scheduling.slots import WEEKDAYS, Weekday, parse_slot

MAX_SLOTS = 144  # one every ten minutes
MAX_JITTER_MINUTES = 60


def _slot(text: str) -> str:
    parse_slot(text)
    return text


Slot = Annotated[str, AfterValidator(_slot), Field(description="Local time of day, HH:MM")]


class ScheduleUpdate(Input):
    """The whole schedule: a PUT replaces it, and a field left out takes its default."""

    timezone: Timezone | None = Field(default=None, description="IANA zone; null: the user's")
    slots: list[Slot] = Field(default_factory=list, max_length=MAX_SLOTS)
    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS), min_length=1)
    jitter_minutes: int = Field(default=0, ge=0, le=MAX_JITTER_MINUTES)

    @field_validator("slots")
    @classmethod
    def _unique_and_sorted(cls, slots: list[str]) -> list[str]:
        if len(set(slots)) != len(slots):
            raise ValueError("each slot may appear only once")
        return sorted(slots)

    @field_validator("days")
    @classmethod
    def _unique_in_week_order(cls, days: list[Weekday]) -> list[Weekday]:
        if len(set(days)) != len(days):
            raise ValueError("each day may appear only once")
        return [day for day in WEEKDAYS if day in days]


class Schedule(Output):
    profile_id: int
    timezone: str = Field(description="The profile's zone, else the user's")
    timezone_is_default: bool = Field(description="True while the zone follows the user's")
    slots: list[str]
    days: list[str]
    jitter_minutes: int
    paused_at: datetime | None = Field(
        default=None, description="Set when Pinterest blocked a pin as spam: nothing publishes"
    )
    pause_reason: str | None = None


class QueueEntry(Output):
    pin_id: int
    title: str | None
    board_id: str | None
    sort_order: int
    expected_at: datetime
