"""The schedule row the worker writes to (rate-limit holds, pauses): added once, whatever races."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from pinsmith.kit.db import Database
from pinsmith.kit.time import utcnow
from pinsmith.models import ProfileSchedule
from pinsmith.scheduling import service as scheduling
from tests.conftest import Factory


async def test_holds_arriving_together_on_a_profile_without_a_schedule_both_count(
    database: Database, factory: Factory
) -> None:
    """Two publish jobs hitting Pinterest's rate limit at once, before the profile has a
    schedule row: both add it. One used to fail on the unique key (PostgreSQL)."""
    user = await factory.user("hal")
    profile = await factory.profile(user)
    now = utcnow()

    async def hold(minutes: int) -> None:
        async with database.transaction() as session:
            await scheduling.hold_writes(session, profile.id, now + timedelta(minutes=minutes))

    await asyncio.gather(hold(5), hold(10), hold(1))

    async with database.transaction(write=False) as session:
        row = await session.get(ProfileSchedule, profile.id)
    assert row is not None
    assert row.next_write_at == now + timedelta(minutes=10)
