from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from pinsmith.kit.repository import Repository
from pinsmith.models import DailyPinCount


class DailyPinCountRepository(Repository[DailyPinCount]):
    model = DailyPinCount

    async def pins_between(self, user_id: int, first_day: date, last_day: date) -> int:
        statement = select(func.coalesce(func.sum(DailyPinCount.pins), 0)).where(
            DailyPinCount.user_id == user_id,
            DailyPinCount.day >= first_day,
            DailyPinCount.day <= last_day,
        )
        return int((await self.session.execute(statement)).scalar_one())

    async def add_pins(self, user_id: int, day: date, count: int) -> None:
        row = await self.session.get(DailyPinCount, (user_id, day))
        if row is None:
            self.session.add(DailyPinCount(user_id=user_id, day=day, pins=count))
        else:
            row.pins += count
        await self.session.flush()
