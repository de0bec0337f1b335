from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from pinsmith.models.base import Base


class DailyPinCount(Base):
    """Pins a user created on one UTC day: what the daily and monthly caps count.

    Kept apart from the pins themselves because a deleted pin is not refunded.
    """

    __tablename__ = "daily_pin_counts"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
    pins: Mapped[int] = mapped_column(default=0)
