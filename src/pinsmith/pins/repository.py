from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    func,
    or_,
    select,
    type_coerce,
    update,
)

from pinsmith.kit.db import ListedUTCDateTime, UTCDateTime
from pinsmith.kit.repository import OwnedRepository
from pinsmith.models import CollectionPin, Pin, PinStatus

PINS: Table = Pin.__table__  # type: ignore[assignment]


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class ListingFilters:
    """What narrows a listing; ``after_id`` is the keyset cursor (pins are listed by id)."""

    status: PinStatus | None = None
    title: str | None = None
    board_id: str | None = None
    collection_id: int | None = None
    after_id: int | None = None

    def parameters(self) -> dict[str, Any]:
        given = {
            "status": self.status,
            "title": _like_pattern(self.title) if self.title else None,
            "board_id": self.board_id,
            "collection_id": self.collection_id,
            "after_id": self.after_id,
        }
        return {name: value for name, value in given.items() if value is not None}


# Listings are the hottest reads: their statements are built once per shape (which filters are
# present) with bound parameters, and run on SQLAlchemy's Core path, which yields plain rows
# without the ORM's per-row loading. Building a statement costs more than SQLite running it.


@cache
def _listed_columns(fields: tuple[str, ...]) -> tuple[ColumnElement[Any], ...]:
    """The columns of ``fields``, times as the database gives them (ListedUTCDateTime)."""
    columns = PINS.c
    return tuple(
        type_coerce(columns[name], ListedUTCDateTime()).label(name)
        if isinstance(columns[name].type, UTCDateTime)
        else columns[name]
        for name in fields
    )


@cache
def _listing_statement(fields: tuple[str, ...], shape: frozenset[str]) -> Select[Any]:
    columns = PINS.c
    statement = select(*_listed_columns(fields)).where(columns.user_id == bindparam("user_id"))
    if "status" in shape:
        statement = statement.where(columns.status == bindparam("status"))
    if "title" in shape:
        statement = statement.where(columns.title.ilike(bindparam("title"), escape="\\"))
    if "board_id" in shape:
        statement = statement.where(columns.board_id == bindparam("board_id"))
    if "collection_id" in shape:
        links = CollectionPin.__table__.c
        statement = statement.join(CollectionPin, links.pin_id == columns.id).where(
            links.collection_id == bindparam("collection_id")
        )
    if "after_id" in shape:
        statement = statement.where(columns.id > bindparam("after_id"))
    return statement.order_by(columns.id).limit(bindparam("limit"))


@cache
def _calendar_statement(fields: tuple[str, ...]) -> Select[Any]:
    """Scheduled pins by their scheduled_at, published ones by published_at, in [start, end)."""
    columns = PINS.c
    start, end = bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime())
    scheduled = and_(
        columns.status == PinStatus.SCHEDULED,
        columns.scheduled_at >= start,
        columns.scheduled_at < end,
    )
    published = and_(
        columns.status == PinStatus.PUBLISHED,
        columns.published_at >= start,
        columns.published_at < end,
    )
    when = func.coalesce(columns.published_at, columns.scheduled_at)
    return (
        select(*_listed_columns(fields))
        .where(columns.user_id == bindparam("user_id"), or_(scheduled, published))
        .order_by(when, columns.id)
    )


_LAST_SORT_ORDER = select(func.max(PINS.c.sort_order)).where(PINS.c.user_id == bindparam("user_id"))


class PinRepository(OwnedRepository[Pin]):
    model = Pin
    noun = "Pin"

    async def page(
        self, user_id: int, fields: Sequence[str], filters: ListingFilters, limit: int
    ) -> Sequence[Row[Any]]:
        """The user's pins as plain rows of ``fields``, by id, for a JSON listing."""
        parameters = filters.parameters()
        statement = _listing_statement(tuple(fields), frozenset(parameters))
        return await self._rows(statement, {"user_id": user_id, "limit": limit, **parameters})

    async def on_calendar(
        self, user_id: int, fields: Sequence[str], start: datetime, end: datetime
    ) -> Sequence[Row[Any]]:
        statement = _calendar_statement(tuple(fields))
        return await self._rows(statement, {"user_id": user_id, "start": start, "end": end})

    async def _rows(self, statement: Select[Any], parameters: dict[str, Any]) -> Sequence[Row[Any]]:
        connection = await self.session.connection()
        rows: Sequence[Row[Any]] = (await connection.execute(statement, parameters)).all()
        return rows

    async def waiting_on_profile(self, profile_id: int, *, lock: bool = False) -> Sequence[Pin]:
        """Pins that would still be published through this profile (``lock``: as ``get_owned``)."""
        waiting = (PinStatus.QUEUED, PinStatus.SCHEDULED)
        statement = self.select().where(Pin.profile_id == profile_id, Pin.status.in_(waiting))
        statement = statement.order_by(Pin.id)
        return await self.all(statement.with_for_update() if lock else statement)

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

    async def owned_with_ids(
        self, user_id: int, ids: Collection[int], *, lock: bool = False
    ) -> Sequence[Pin]:
        """``lock``: FOR UPDATE, as ``get_owned`` (kit/repository.py); in id order, so two bulk
        changes lock shared pins in the same order and never deadlock."""
        statement = self.owned_by(user_id).where(Pin.id.in_(ids)).order_by(Pin.id)
        return await self.all(statement.with_for_update() if lock else statement)

    async def last_sort_order(self, user_id: int) -> int | None:
        value = (await self.session.execute(_LAST_SORT_ORDER, {"user_id": user_id})).scalar_one()
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
