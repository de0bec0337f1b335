from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pinsmith.kit.time import utcnow
from pinsmith.models.base import Base, CreatedAt, UserOwned
from pinsmith.models.enums import string_enum


class PinStatus(StrEnum):
    DRAFT = "draft"
    REVIEW = "review"
    QUEUED = "queued"
    SCHEDULED = "scheduled"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    FAILED = "failed"


class Pin(CreatedAt, UserOwned, Base):
    """One Pinterest post managed by pinsmith; the row is also its publishing job."""

    __tablename__ = "pins"
    __table_args__ = (
        # GET /pins filters (status, board) page by id within one user's pins.
        Index("ix_pins_user_status_id", "user_id", "status", "id"),
        Index("ix_pins_user_board_id", "user_id", "board_id", "id"),
        # The calendar: scheduled pins by scheduled_at, published pins by published_at.
        Index("ix_pins_user_status_scheduled_at", "user_id", "status", "scheduled_at"),
        Index("ix_pins_user_status_published_at", "user_id", "status", "published_at"),
        # The end of the queue, for a new pin's sort_order.
        Index("ix_pins_user_sort_order", "user_id", "sort_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The profile may be disconnected later; the pin keeps the account it was for.
    profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("pinterest_profiles.id", ondelete="SET NULL"), index=True
    )
    pinterest_user_id: Mapped[str] = mapped_column(String(32))
    pinterest_username: Mapped[str] = mapped_column(String(100))
    board_id: Mapped[str | None] = mapped_column(String(32))
    board_section_id: Mapped[str | None] = mapped_column(String(32), default=None)
    title: Mapped[str | None] = mapped_column(String(100), default=None)
    description: Mapped[str | None] = mapped_column(String(800), default=None)
    link: Mapped[str | None] = mapped_column(String(2048), default=None)
    alt_text: Mapped[str | None] = mapped_column(String(500), default=None)
    media_url: Mapped[str] = mapped_column(String(2048))
    status: Mapped[PinStatus] = mapped_column(string_enum(PinStatus, "pin_status"))
    scheduled_at: Mapped[datetime | None] = mapped_column(default=None)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    pinterest_pin_id: Mapped[str | None] = mapped_column(String(32), default=None)
    error_message: Mapped[str | None] = mapped_column(Text, default=None)
    retry_count: Mapped[int] = mapped_column(default=0)
    # When the current attempt to publish began: Pinterest pins created after it may be this one.
    attempt_started_at: Mapped[datetime | None] = mapped_column(default=None)
    sort_order: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
