from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pinsmith.kit.time import utcnow
from pinsmith.models.base import Base, CreatedAt


class ProfileSchedule(CreatedAt, Base):
    """When a Pinterest profile publishes its queued pins: local time slots on some weekdays.

    A profile without a row publishes queued pins as soon as pacing allows.
    """

    __tablename__ = "profile_schedules"

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("pinterest_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    # None: the user's time zone, followed if the user changes it.
    timezone: Mapped[str | None] = mapped_column(String(64), default=None)
    slots: Mapped[list[str]] = mapped_column(JSON)  # sorted local "HH:MM"
    days: Mapped[list[str]] = mapped_column(JSON)  # "mon".."sun", in week order
    jitter_minutes: Mapped[int] = mapped_column(default=0)
    # Set when Pinterest blocks the account (spam): its queue waits for a person.
    paused_at: Mapped[datetime | None] = mapped_column(default=None)
    pause_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    # Pinterest's rate limit: no write through the profile before this instant.
    next_write_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
