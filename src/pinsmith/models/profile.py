from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from pinsmith.kit.time import utcnow
from pinsmith.models.base import Base, CreatedAt, UserOwned
from pinsmith.models.enums import string_enum


class ProfileStatus(StrEnum):
    ACTIVE = "active"
    NEEDS_RECONNECT = "needs_reconnect"


class PinterestProfile(CreatedAt, UserOwned, Base):
    """A Pinterest account a user connected; its OAuth tokens are encrypted at rest."""

    __tablename__ = "pinterest_profiles"
    __table_args__ = (
        UniqueConstraint("user_id", "pinterest_user_id"),
        # At most one selected profile per user.
        Index(
            "uq_pinterest_profiles_selected",
            "user_id",
            unique=True,
            sqlite_where=text("is_selected"),
            postgresql_where=text("is_selected"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pinterest_user_id: Mapped[str] = mapped_column(String(32))
    username: Mapped[str] = mapped_column(String(100))
    access_token_encrypted: Mapped[str | None] = mapped_column(Text, default=None)
    refresh_token_encrypted: Mapped[str | None] = mapped_column(Text, default=None)
    token_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[ProfileStatus] = mapped_column(
        string_enum(ProfileStatus, "profile_status"), default=ProfileStatus.ACTIVE
    )
    status_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    is_selected: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
