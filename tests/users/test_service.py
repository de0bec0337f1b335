from __future__ import annotations

import pytest
from pydantic import ValidationError

from pinsmith.config import Settings
from pinsmith.kit.db import Database
from pinsmith.kit.errors import Conflict, NotFound
from pinsmith.quotas.plans import PLANS, PlanName
from pinsmith.users import service as users
from pinsmith.users.schemas import UserCreate, UserUpdate
from tests.conftest import make_settings


async def test_a_new_account_takes_the_deployments_defaults(
    database: Database, settings: Settings
) -> None:
    custom = make_settings(
        settings.data_dir, settings.database_url, default_plan="growth", default_daily_pin_limit=9
    )
    async with database.transaction() as session:
        user = await users.create(session, custom, UserCreate(username="fay"))

    assert (user.plan, user.daily_pin_limit, user.timezone) == (PlanName.GROWTH, 9, "UTC")
    assert user.credits is None
    assert not user.is_approved
    assert not user.is_admin
    assert not user.is_suspended
    assert user.created_at.tzinfo is not None


async def test_usernames_are_unique(database: Database, settings: Settings) -> None:
    async with database.transaction() as session:
        await users.create(session, settings, UserCreate(username="gus"))
    async with database.transaction() as session:
        with pytest.raises(Conflict, match="already exists"):
            await users.create(session, settings, UserCreate(username="gus"))


async def test_update_changes_only_what_is_given_and_null_credits_mean_unlimited(
    database: Database, settings: Settings
) -> None:
    async with database.transaction() as session:
        user = await users.create(
            session, settings, UserCreate(username="hal", credits=50, timezone="Asia/Tokyo")
        )
        await users.update(session, user, UserUpdate(plan=PlanName.PRO))
        assert (user.plan, user.credits, user.timezone) == (PlanName.PRO, 50, "Asia/Tokyo")
        await users.update(session, user, UserUpdate(credits=None))
        assert user.credits is None


async def test_an_unknown_username_is_not_found(database: Database, settings: Settings) -> None:
    async with database.transaction() as session:
        with pytest.raises(NotFound, match="'nobody' not found"):
            await users.get_by_username(session, "nobody")


@pytest.mark.parametrize(
    "fields",
    [
        {"username": "has space"},
        {"username": ""},
        {"username": "ok", "timezone": "Nowhere/City"},
        {"username": "ok", "daily_pin_limit": -1},
        {"username": "ok", "plan": "gold"},
        {"username": "ok", "unknown": 1},
    ],
)
def test_invalid_accounts_are_refused(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        UserCreate.model_validate(fields)


def test_the_plans_table() -> None:
    assert [(plan.monthly_pin_quota, plan.bulk) for plan in PLANS.values()] == [
        (200, False),
        (2_000, True),
        (20_000, True),
        (None, True),
    ]
    assert set(PLANS) == set(PlanName)
