from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from pinsmith.kit.repository import Repository, upsert
from pinsmith.models import Pin, PinStatus, ProfileSchedule, User
from pinsmith.scheduling.slots import WEEKDAYS


class ScheduleRepository(Repository[ProfileSchedule]):
    model = ProfileSchedule

    async def for_profile(self, profile_id: int, *, lock: bool = False) -> ProfileSchedule | None:
        """``lock``: held until the transaction ends, for a read-modify-write (PostgreSQL)."""
        return await self.session.get(ProfileSchedule, profile_id, with_for_update=lock)

    async def add_default(self, profile_id: int) -> None:
        """The default row (no slots, every day), unless it exists or another transaction is
        adding it this moment: then that one's row stands."""
        statement = upsert(self.dialect, ProfileSchedule).on_conflict_do_nothing()
        await self.session.execute(
            statement.values(profile_id=profile_id, slots=[], days=list(WEEKDAYS))
        )

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
