"""Who is calling: an API key (Bearer, then X-API-Key), else the session cookie."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.api_keys import service as api_keys
from pinsmith.api_keys.repository import PresentedKey
from pinsmith.kit.errors import Forbidden, Unauthorized
from pinsmith.models import User
from pinsmith.profiles import service as profiles
from pinsmith.users import service as users
from pinsmith.users.repository import UserRepository
from pinsmith.users.schemas import Me, MeProfile, MeUpdate


@dataclass(frozen=True)
class Credentials:
    """What the request presented; at most one source is used, in the documented order."""

    api_key: str | None = field(default=None, repr=False)
    session_user_id: int | None = None


@dataclass(frozen=True)
class Caller:
    user: User
    api_key: PresentedKey | None = None


async def identify(session: AsyncSession, credentials: Credentials) -> Caller | None:
    """The caller, or None when nothing was presented; a presented but bad key is a 401.

    A key, once presented, decides alone: a bad key never falls back to the cookie.
    """
    if credentials.api_key is not None:
        found = await api_keys.find_by_secret(session, credentials.api_key)
        if found is None:
            raise Unauthorized("Invalid or revoked API key")
        key, user = found
        if not key.is_active:
            raise Unauthorized("API key is disabled")
        return Caller(user=user, api_key=key)
    if credentials.session_user_id is not None:
        signed_in = await UserRepository(session).get(credentials.session_user_id)
        if signed_in is None:
            raise Unauthorized("Session expired: sign in again")
        return Caller(user=signed_in)
    return None


async def describe(session: AsyncSession, user: User) -> Me:
    connected = await profiles.list_for_user(session, user)
    return Me.model_validate(user).model_copy(
        update={"profiles": [MeProfile.model_validate(profile) for profile in connected]}
    )


async def update_me(session: AsyncSession, user: User, data: MeUpdate) -> Me:
    return await describe(session, await users.update_settings(session, user, data))


def ensure_in_good_standing(user: User) -> None:
    if user.is_suspended:
        raise Forbidden("Account suspended")
    if not user.is_approved:
        raise Forbidden("Account pending approval")
