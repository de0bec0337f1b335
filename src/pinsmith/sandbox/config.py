"""The sandbox's own settings: a library setting object, never pinsmith's ``Settings``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pinsmith.sandbox.faults import FaultRule

DAY = 24 * 60 * 60

#: Requests per window and per user per app, by Pinterest's ``x-ratelimit-category``
#: (ESSENTIALS §15: org_read 1000/min, org_write 100/min, org_analytics 60/min; ``ads_read``
#: is the category Pinterest gives ``GET /user_account/followers``).
DEFAULT_RATE_LIMITS: dict[str, int] = {
    "org_read": 1000,
    "org_write": 100,
    "org_analytics": 60,
    "ads_read": 1000,
}


def system_clock() -> datetime:
    return datetime.now(UTC)


class ClientConfig(BaseModel):
    """A Pinterest app registered with the sandbox (its OAuth client)."""

    client_id: str = Field(min_length=1)
    client_secret: str = Field(min_length=1)
    redirect_uris: list[str] = Field(default_factory=list)


class SeedUser(BaseModel):
    """A Pinterest account the sandbox starts with (for the demo and the CLI)."""

    username: str = Field(min_length=1)
    account_type: Literal["PINNER", "BUSINESS"] = "BUSINESS"
    boards: list[str] = Field(default_factory=list)


class SandboxConfig(BaseModel):
    """How the emulated Pinterest behaves: apps, token lifetimes, limits, faults and time."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    clients: list[ClientConfig] = Field(default_factory=list)
    users: list[SeedUser] = Field(default_factory=list)
    access_token_lifetime: int = Field(default=30 * DAY, gt=0, description="seconds")
    refresh_token_lifetime: int = Field(default=60 * DAY, gt=0, description="seconds")
    authorization_code_lifetime: int = Field(default=10 * 60, gt=0, description="seconds")
    rate_limits: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_RATE_LIMITS))
    rate_limit_window: int = Field(default=60, gt=0, description="seconds")
    media_processing_seconds: float = Field(
        default=10.0, ge=0, description="sandbox-clock seconds from upload to a final status"
    )
    drop_seconds: float = Field(
        default=120.0, gt=0, description="how long a commit-then-drop response is held back"
    )
    faults: list[FaultRule] = Field(default_factory=list)
    clock: Callable[[], datetime] = system_clock
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    state_path: Path | None = None
