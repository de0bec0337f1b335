from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import Insert, bindparam, case, func, select

from pinsmith.kit.repository import Repository, upsert
from pinsmith.models import DailyPinCount

# Every pin created runs both: they are built once, with bound parameters (see _USAGE).
_COUNTS = DailyPinCount.__table__.c
_USAGE = select(
    func.coalesce(func.sum(case((_COUNTS.day == bindparam("day"), _COUNTS.pins), else_=0)), 0),
    func.coalesce(func.sum(_COUNTS.pins), 0),
).where(
    _COUNTS.user_id == bindparam("user_id"),
    _COUNTS.day >= bindparam("first_day"),
    _COUNTS.day <= bindparam("day"),
)


@cache
def _add_pins(dialect: str) -> Insert:
    statement = upsert(dialect, DailyPinCount)
    return statement.on_conflict_do_update(
        index_elements=[_COUNTS.user_id, _COUNTS.day],
        set_={"pins": _COUNTS.pins + statement.excluded.pins},
    )


class DailyPinCountRepository(Repository[DailyPinCount]):
    model = DailyPinCount

    async def usage(self, user_id: int, day: date, first_day: date) -> tuple[int, int]:
        """Pins created on ``day``, and from ``first_day`` to ``day``, in one query."""
        connection = await self.session.connection()
        parameters = {"user_id": user_id, "day": day, "first_day": first_day}
        today, period = (await connection.execute(_USAGE, parameters)).one()
        return int(today), int(period)

    async def add_pins(self, user_id: int, day: date, count: int) -> None:
        connection = await self.session.connection()
        await connection.execute(
            _add_pins(self.dialect), {"user_id": user_id, "day": day, "pins": count}
        )
