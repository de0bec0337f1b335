from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pinsmith.models.base import Base, CreatedAt, UserOwned


class Event(CreatedAt, UserOwned, Base):
    """The outbox: something that happened, recorded in the transaction that made it happen.

    Webhook delivery reads events in id order; nothing here is ever updated.
    """

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    pin_id: Mapped[int | None] = mapped_column(
        ForeignKey("pins.id", ondelete="SET NULL"), index=True, default=None
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
