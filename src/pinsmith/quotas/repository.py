from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pinsmith.kit.repository import Repository
from pinsmith.models import DailyPinCount


class DailyPinCountRepository(Repository[DailyPinCount]):
    model = DailyPinCount

    async def usage(self, user_id: int, day: date, first_day: date) -> tuple[int, int]:
        """Pins created on ``day``, and from ``first_day`` to ``day``, in one query."""
        on_day = case((DailyPinCount.day == day, DailyPinCount.pins), else_=0)
        statement = select(
            func.coalesce(func.sum(on_day), 0), func.coalesce(func.sum(DailyPinCount.pins), 0)
        ).where(
            DailyPinCount.user_id == user_id,
            DailyPinCount.day >= first_day,
            DailyPinCount.day <= day,
        )
        today, period = (await self.session.execute(statement)).one()
        return int(today), int(period)

    async def add_pins(self, user_id: int, day: date, count: int) -> None:
        upsert = postgresql_insert if self.dialect == "postgresql" else sqlite_insert
        statement = upsert(DailyPinCount).values(user_id=user_id, day=day, pins=count)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[DailyPinCount.user_id, DailyPinCount.day],
                set_={"pins": DailyPinCount.pins + statement.excluded.pins},
            )
        )
