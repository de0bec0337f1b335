from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, and_, delete, func, or_, select, update

from pinsmith.kit.repository import OwnedRepository
from pinsmith.models import CollectionPin, Pin, PinStatus


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class PinRepository(OwnedRepository[Pin]):
    model = Pin
    noun = "Pin"

    def listing(self, user_id: int, fields: Sequence[str]) -> Select[Any]:
        """The user's pins as plain rows of ``fields``: listings skip building ORM objects."""
        columns = Pin.__table__.c
        return select(*(columns[name] for name in fields)).where(Pin.user_id == user_id)

    def filtered(
        self,
        user_id: int,
        fields: Sequence[str],
        *,
        status: PinStatus | None = None,
        title: str | None = None,
        board_id: str | None = None,
        collection_id: int | None = None,
    ) -> Select[Any]:
        statement = self.listing(user_id, fields)
        if status is not None:
            statement = statement.where(Pin.status == status)
        if title:
            statement = statement.where(Pin.title.ilike(_like_pattern(title), escape="\\"))
        if board_id is not None:
            statement = statement.where(Pin.board_id == board_id)
        if collection_id is not None:
            statement = statement.join(CollectionPin, CollectionPin.pin_id == Pin.id).where(
                CollectionPin.collection_id == collection_id
            )
        return statement

    async def page(
        self, statement: Select[Any], after_id: int | None, limit: int
    ) -> Sequence[Row[Any]]:
        if after_id is not None:
            statement = statement.where(Pin.id > after_id)
        result = await self.session.execute(statement.order_by(Pin.id).limit(limit))
        rows: Sequence[Row[Any]] = result.all()
        return rows

    async def on_calendar(
        self, user_id: int, fields: Sequence[str], start: datetime, end: datetime
    ) -> Sequence[Row[Any]]:
        """Scheduled pins by their scheduled_at, published ones by published_at, in [start, end)."""
        scheduled = and_(
            Pin.status == PinStatus.SCHEDULED, Pin.scheduled_at >= start, Pin.scheduled_at < end
        )
        published = and_(
            Pin.status == PinStatus.PUBLISHED, Pin.published_at >= start, Pin.published_at < end
        )
        when = func.coalesce(Pin.published_at, Pin.scheduled_at)
        statement = self.listing(user_id, fields).where(or_(scheduled, published))
        result = await self.session.execute(statement.order_by(when, Pin.id))
        rows: Sequence[Row[Any]] = result.all()
        return rows

    async def waiting_on_profile(self, profile_id: int) -> Sequence[Pin]:
        """Pins that would still be published through this profile."""
        waiting = (PinStatus.QUEUED, PinStatus.SCHEDULED)
        statement = self.select().where(Pin.profile_id == profile_id, Pin.status.in_(waiting))
        return await self.all(statement.order_by(Pin.id))

    async def count_by_board(self, profile_id: int) -> Sequence[Row[str | None, PinStatus, int]]:
        """``(board_id, status, count)`` for the profile's pins that name a board."""
        statement = (
            select(Pin.board_id, Pin.status, func.count())
            .where(Pin.profile_id == profile_id, Pin.board_id.is_not(None))
            .group_by(Pin.board_id, Pin.status)
        )
        return (await self.session.execute(statement)).all()

    async def recent_titles_by_board(
        self, profile_id: int, per_board: int
    ) -> Sequence[Row[str, str]]:
        """``(board_id, title)``: each board's ``per_board`` newest titled pins, newest first."""
        newest = func.row_number().over(partition_by=Pin.board_id, order_by=Pin.id.desc())
        ranked = (
            select(Pin.board_id, Pin.title, newest.label("position"))
            .where(Pin.profile_id == profile_id, Pin.board_id.is_not(None), Pin.title != "")
            .subquery()
        )
        statement = (
            select(ranked.c.board_id, ranked.c.title)
            .where(ranked.c.position <= per_board)
            .order_by(ranked.c.board_id, ranked.c.position)
        )
        return (await self.session.execute(statement)).all()

    async def owned_with_ids(self, user_id: int, ids: Collection[int]) -> Sequence[Pin]:
        return await self.all(self.owned_by(user_id).where(Pin.id.in_(ids)).order_by(Pin.id))

    async def last_sort_order(self, user_id: int) -> int | None:
        statement = select(func.max(Pin.sort_order)).where(Pin.user_id == user_id)
        value = (await self.session.execute(statement)).scalar_one()
        return None if value is None else int(value)

    async def delete_except(
        self, user_id: int, ids: Collection[int], kept: Collection[PinStatus]
    ) -> None:
        await self.session.execute(
            delete(Pin).where(Pin.user_id == user_id, Pin.id.in_(ids), Pin.status.not_in(kept))
        )

    async def set_sort_orders(self, positions: dict[int, int]) -> None:
        await self.session.execute(
            update(Pin),
            [{"id": pin_id, "sort_order": order} for pin_id, order in positions.items()],
        )
