"""The plans, as one table: what each allows per month and whether it may create pins in bulk."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PlanName(StrEnum):
    STARTER = "starter"
    GROWTH = "growth"
    PRO = "pro"
    UNLIMITED = "unlimited"


@dataclass(frozen=True)
class Plan:
    name: PlanName
    monthly_pin_quota: int | None  # None: no monthly quota
    bulk: bool


PLANS: dict[PlanName, Plan] = {
    PlanName.STARTER: Plan(PlanName.STARTER, monthly_pin_quota=200, bulk=False),
    PlanName.GROWTH: Plan(PlanName.GROWTH, monthly_pin_quota=2_000, bulk=True),
    PlanName.PRO: Plan(PlanName.PRO, monthly_pin_quota=20_000, bulk=True),
    PlanName.UNLIMITED: Plan(PlanName.UNLIMITED, monthly_pin_quota=None, bulk=True),
}
