"""Connected Pinterest accounts and their OAuth tokens, which are only ever stored encrypted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.kit.crypto import SecretBox
from pinsmith.kit.errors import Conflict
from pinsmith.kit.time import utcnow
from pinsmith.models import PinterestProfile, User
from pinsmith.pinterest import TokenSet
from pinsmith.profiles.repository import ProfileRepository
from pinsmith.profiles.schemas import ProfileConnect
from pinsmith.profiles.tokens import ProfileTokens, read_tokens, store_tokens


async def connect(
    session: AsyncSession, box: SecretBox, user: User, data: ProfileConnect
) -> PinterestProfile:
    """Add the account, or refresh it if the user already connected it.

    A stored token is replaced only by a new one in hand, never wiped by a reconnect without one.
    """
    profile = await _connected(session, user, data.pinterest_user_id, data.username)
    if data.access_token is not None:
        expires_at = utcnow() + timedelta(seconds=data.expires_in) if data.expires_in else None
        store_tokens(box, profile, data.access_token, data.refresh_token, expires_at)
    elif data.refresh_token is not None:
        profile.refresh_token_encrypted = box.encrypt(data.refresh_token)
    await session.flush()
    return profile


async def connect_signed_in(
    session: AsyncSession,
    box: SecretBox,
    user: User,
    pinterest_user_id: str,
    username: str,
    tokens: TokenSet,
) -> PinterestProfile:
    """Add or update the account a user just granted access to, with the tokens of that grant."""
    profile = await _connected(session, user, pinterest_user_id, username)
    store_tokens(box, profile, tokens.access_token, tokens.refresh_token, tokens.expires_at)
    await session.flush()
    return profile


async def _connected(
    session: AsyncSession, user: User, pinterest_user_id: str, username: str
) -> PinterestProfile:
    """The user's profile for this account, added (selected if it is their first) if new."""
    repository = ProfileRepository(session)
    profile = await repository.get_by_pinterest_id(user.id, pinterest_user_id)
    if profile is None:
        is_first = await repository.get_selected(user.id) is None
        profile = await repository.add(
            PinterestProfile(
                user_id=user.id,
                pinterest_user_id=pinterest_user_id,
                username=username,
                is_selected=is_first,
            )
        )
    profile.username = username
    return profile


def tokens(box: SecretBox, profile: PinterestProfile) -> ProfileTokens:
    return read_tokens(box, profile)


async def list_for_user(session: AsyncSession, user: User) -> Sequence[PinterestProfile]:
    return await ProfileRepository(session).list_for_user(user.id)


async def get(session: AsyncSession, user: User, profile_id: int) -> PinterestProfile:
    return await ProfileRepository(session).require_owned(profile_id, user.id)


async def chosen(session: AsyncSession, user: User, profile_id: int | None) -> PinterestProfile:
    """The profile a request acts as: the one named, else the user's selected profile."""
    if profile_id is not None:
        return await get(session, user, profile_id)
    selected = await ProfileRepository(session).get_selected(user.id)
    if selected is None:
        raise Conflict("Connect a Pinterest account first")
    return selected


async def select(session: AsyncSession, user: User, profile_id: int) -> PinterestProfile:
    profile = await get(session, user, profile_id)
    if not profile.is_selected:
        await ProfileRepository(session).unselect_all(user.id)
        await session.flush()
        profile.is_selected = True
        await session.flush()
    return profile


async def disconnect(session: AsyncSession, user: User, profile_id: int, *, force: bool) -> None:
    """Remove a connected account. Its pins stay (as drafts if they were still to publish)."""
    from pinsmith.pins import service as pins  # pins use profiles too: imported here, not above

    repository = ProfileRepository(session)
    profile = await repository.require_owned(profile_id, user.id)
    waiting = await pins.waiting_on_profile(session, profile.id)
    if waiting and not force:
        raise Conflict(
            f"Profile {profile.username} has {len(waiting)} queued or scheduled pin(s): publish, "
            "move or delete them first, or disconnect with ?force=true to turn them into drafts"
        )
    await pins.hold_for_profile(session, profile.id)
    was_selected = profile.is_selected
    await repository.delete(profile)
    if was_selected:
        remaining = await repository.list_for_user(user.id)
        if remaining:
            remaining[0].is_selected = True
            await session.flush()


async def reencrypt_tokens(session: AsyncSession, box: SecretBox) -> int:
    """Re-encrypt every stored token under the first key (after adding a key in front)."""
    profiles = await ProfileRepository(session).list_with_tokens()
    for profile in profiles:
        if profile.access_token_encrypted is not None:
            profile.access_token_encrypted = box.rotate(profile.access_token_encrypted)
        if profile.refresh_token_encrypted is not None:
            profile.refresh_token_encrypted = box.rotate(profile.refresh_token_encrypted)
    await session.flush()
    return len(profiles)
