from __future__ import annotations

from sqlalchemy import String, true
from sqlalchemy.orm import Mapped, mapped_column

from pinsmith.models.base import Base, CreatedAt
from pinsmith.models.enums import string_enum
from pinsmith.quotas.plans import PlanName


class User(CreatedAt, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    pinterest_user_id: Mapped[str | None] = mapped_column(String(32), index=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    daily_pin_limit: Mapped[int] = mapped_column(default=2)
    plan: Mapped[PlanName] = mapped_column(string_enum(PlanName, "plan"), default=PlanName.STARTER)
    credits: Mapped[int | None] = mapped_column(default=None)  # None: unlimited
    is_approved: Mapped[bool] = mapped_column(default=False)
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_suspended: Mapped[bool] = mapped_column(default=False)
    # A pin with auto_board that fits no board: a new board is made for it (True), or the pin
    # waits in review with the suggested name (False).
    auto_create_boards: Mapped[bool] = mapped_column(default=True, server_default=true())
