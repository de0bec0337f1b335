"""The user's daily cap and the plan's monthly quota, counted in pins created (UTC days/months).

A deleted pin is not refunded: the counts live apart from the pins.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.kit.errors import Forbidden, TooManyRequests
from pinsmith.kit.time import utcnow
from pinsmith.models import User
from pinsmith.quotas.plans import PLANS
from pinsmith.quotas.repository import DailyPinCountRepository
from pinsmith.users.repository import UserRepository


def ensure_bulk_allowed(user: User) -> None:
    if not PLANS[user.plan].bulk:
        raise Forbidden(
            f"Bulk pin creation needs the Growth plan or higher (this account's plan: "
            f"'{user.plan.value}')"
        )


async def reserve_pins(session: AsyncSession, user: User, count: int) -> None:
    """Count ``count`` new pins against the caps, or refuse them all with PinFlow's 429."""
    now = utcnow()
    today = now.date()
    await UserRepository(session).lock(user.id)
    counts = DailyPinCountRepository(session)

    used_today, used_this_month = await counts.usage(user.id, today, today.replace(day=1))
    if used_today + count > user.daily_pin_limit:
        midnight = datetime.combine(today + timedelta(days=1), time(), tzinfo=UTC)
        raise TooManyRequests(
            f"Daily pin limit of {user.daily_pin_limit} reached. Resets at midnight UTC.",
            headers={"Retry-After": str(max(1, int((midnight - now).total_seconds())))},
        )

    plan = PLANS[user.plan]
    if plan.monthly_pin_quota is not None and used_this_month + count > plan.monthly_pin_quota:
        raise TooManyRequests(
            f"Monthly pin limit of {plan.monthly_pin_quota} reached for plan '{plan.name.value}'."
        )

    await counts.add_pins(user.id, today, count)
