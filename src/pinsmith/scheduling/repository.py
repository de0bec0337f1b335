from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from pinsmith.kit.repository import Repository
from pinsmith.models import Pin, PinStatus, ProfileSchedule, User


class ScheduleRepository(Repository[ProfileSchedule]):
    model = ProfileSchedule

    async def for_profile(self, profile_id: int) -> ProfileSchedule | None:
        return await self.session.get(ProfileSchedule, profile_id)

    async def queued_pins(self, profile_id: int) -> Sequence[Pin]:
        """The profile's queue, in the order it publishes."""
        statement = (
            select(Pin)
            .where(Pin.profile_id == profile_id, Pin.status == PinStatus.QUEUED)
            .order_by(Pin.sort_order, Pin.id)
        )
        return (await self.session.execute(statement)).scalars().all()

    async def scheduled_instants(self, profile_id: int, since: datetime) -> set[datetime]:
        """When the profile's scheduled pins publish, from ``since`` on."""
        statement = select(Pin.scheduled_at).where(
            Pin.profile_id == profile_id,
            Pin.status == PinStatus.SCHEDULED,
            Pin.scheduled_at >= since,
        )
        rows = (await self.session.execute(statement)).scalars()
        return {instant for instant in rows if instant is not None}

    async def owner_timezone(self, user_id: int) -> str:
        statement = select(User.timezone).where(User.id == user_id)
        return (await self.session.execute(statement)).scalar_one()
