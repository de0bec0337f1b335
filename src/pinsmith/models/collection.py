from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pinsmith.kit.time import utcnow
from pinsmith.models.base import Base, CreatedAt, UserOwned


class Collection(CreatedAt, UserOwned, Base):
    """A local grouping of pins (a campaign, a season); not a Pinterest board."""

    __tablename__ = "collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CollectionPin(Base):
    __tablename__ = "collection_pins"

    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True
    )
    pin_id: Mapped[int] = mapped_column(
        ForeignKey("pins.id", ondelete="CASCADE"), primary_key=True, index=True
    )
