from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pinsmith.kit.time import utcnow
from pinsmith.models.base import Base, CreatedAt, UserOwned


class Webhook(CreatedAt, UserOwned, Base):
    """A URL that receives one event type of one Pinterest profile, as PinFlow's webhooks do.

    ``failing_since`` is the first failed attempt since the last success; a webhook failing for
    days is switched off (``is_active`` False) with ``disabled_reason`` saying why.
    """

    __tablename__ = "webhooks"
    __table_args__ = (
        # Fan-out: the active webhooks of a profile for an event type.
        Index("ix_webhooks_profile_event", "profile_id", "event"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("pinterest_profiles.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2048))
    event: Mapped[str] = mapped_column(String(64))
    secret_encrypted: Mapped[str | None] = mapped_column(Text, default=None)
    is_active: Mapped[bool] = mapped_column(default=True)
    failing_since: Mapped[datetime | None] = mapped_column(default=None)
    disabled_reason: Mapped[str | None] = mapped_column(String(1000), default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
