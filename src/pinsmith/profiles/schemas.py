from __future__ import annotations

from pydantic import Field

from pinsmith.kit.schemas import DIGITS, Input, Output
from pinsmith.models import ProfileStatus


class ProfileConnect(Input):
    """A Pinterest account connected by token (trial apps, Pinterest's sandbox) or by OAuth."""

    pinterest_user_id: str = Field(pattern=DIGITS, max_length=32)
    username: str = Field(min_length=1, max_length=100)
    access_token: str | None = Field(default=None, min_length=1, repr=False)
    refresh_token: str | None = Field(default=None, min_length=1, repr=False)
    expires_in: int | None = Field(
        default=None, gt=0, description="Seconds until the access token expires"
    )


class Profile(Output):
    id: int
    pinterest_user_id: str
    username: str
    status: ProfileStatus
    status_reason: str | None
    is_selected: bool
