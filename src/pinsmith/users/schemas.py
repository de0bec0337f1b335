from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from pinsmith.kit.schemas import DIGITS, MAX_ROW_ID, Input, Output, Timezone
from pinsmith.quotas.plans import PlanName

Username = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]
NonNegative = Annotated[int, Field(ge=0, le=MAX_ROW_ID)]  # an INTEGER column


class UserCreate(Input):
    """Unset fields take the deployment's defaults (PINSMITH_DEFAULT_*)."""

    username: Username
    pinterest_user_id: str | None = Field(default=None, pattern=DIGITS, max_length=32)
    timezone: Timezone | None = None
    daily_pin_limit: NonNegative | None = None
    plan: PlanName | None = None
    credits: NonNegative | None = None  # None: unlimited
    is_approved: bool = False
    is_admin: bool = False


class UserUpdate(Input):
    """Only the fields that are set change; ``credits: null`` means unlimited."""

    timezone: Timezone | None = None
    daily_pin_limit: NonNegative | None = None
    plan: PlanName | None = None
    credits: NonNegative | None = None
    is_approved: bool | None = None
    is_admin: bool | None = None
    is_suspended: bool | None = None
    auto_create_boards: bool | None = None


class MeUpdate(Input):
    """What users change about their own account; only the fields that are set change."""

    auto_create_boards: bool | None = Field(
        default=None,
        description="A pin with auto_board that fits no board gets a new board (true, default), "
        "or waits in review with the suggested board name (false)",
    )


class MeProfile(Output):
    id: int
    username: str
    status: str
    status_reason: str | None
    is_selected: bool


class Me(Output):
    """PinFlow's ``GET /auth/me`` shape, plus the plan, the credit balance, the board-selection
    setting and the profiles (with their status: one that needs reconnecting says why)."""

    id: int
    pinterest_user_id: str | None
    username: str
    timezone: str
    daily_pin_limit: int
    plan: PlanName
    credits: int | None
    auto_create_boards: bool
    created_at: datetime
    profiles: list[MeProfile] = Field(default_factory=list)
