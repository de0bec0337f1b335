"""The Pinterest client's token store over a profile row, encrypted at rest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pinsmith.events.service import EventType, record_profile_event
from pinsmith.kit.crypto import SecretBox
from pinsmith.kit.db import Database
from pinsmith.kit.time import utcnow
from pinsmith.models import PinterestProfile, ProfileStatus
from pinsmith.pinterest.errors import ReconnectRequired
from pinsmith.pinterest.tokens import TokenSet

UNKNOWN_EXPIRY_HORIZON = timedelta(days=365)


@dataclass(frozen=True)
class ProfileTokens:
    """A profile's tokens, decrypted; None where none is stored."""

    access_token: str | None = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at: datetime | None


def read_tokens(box: SecretBox, profile: PinterestProfile) -> ProfileTokens:
    def open_(ciphertext: str | None) -> str | None:
        return None if ciphertext is None else box.decrypt(ciphertext)

    return ProfileTokens(
        access_token=open_(profile.access_token_encrypted),
        refresh_token=open_(profile.refresh_token_encrypted),
        expires_at=profile.token_expires_at,
    )


class ProfileTokenStore:
    """Reads and writes one profile's tokens, each save in a transaction of its own.

    Pinterest rotates the refresh token and the old one stops working at once, so a new set must
    be on disk before it is used, whatever happens to the request that caused the refresh.
    """

    def __init__(self, database: Database, box: SecretBox, profile_id: int) -> None:
        self.database = database
        self.box = box
        self.profile_id = profile_id

    async def current(self) -> TokenSet:
        async with self.database.transaction(write=False) as session:
            profile = await session.get(PinterestProfile, self.profile_id)
            stored = read_tokens(self.box, profile) if profile is not None else None
            if stored is None or stored.access_token is None:
                # As Pinterest's own refusal would: the caller marks the profile, nothing fails.
                raise ReconnectRequired("This Pinterest account has no token: connect it again")
            return TokenSet(
                access_token=stored.access_token,
                refresh_token=stored.refresh_token,
                # A token pasted without its expiry is taken as valid until Pinterest says
                # otherwise: its 401 then triggers the refresh.
                expires_at=stored.expires_at or utcnow() + UNKNOWN_EXPIRY_HORIZON,
            )

    async def save(self, tokens: TokenSet) -> None:
        async with self.database.transaction() as session:
            profile = await session.get(PinterestProfile, self.profile_id)
            if profile is None:
                return  # disconnected meanwhile: nothing to keep the tokens for
            store_tokens(
                self.box, profile, tokens.access_token, tokens.refresh_token, tokens.expires_at
            )


def store_tokens(
    box: SecretBox,
    profile: PinterestProfile,
    access_token: str,
    refresh_token: str | None,
    expires_at: datetime | None,
) -> None:
    """Put new tokens on the profile; a missing refresh token never erases the stored one."""
    profile.access_token_encrypted = box.encrypt(access_token)
    profile.token_expires_at = expires_at
    if refresh_token is not None:
        profile.refresh_token_encrypted = box.encrypt(refresh_token)
    profile.status, profile.status_reason = ProfileStatus.ACTIVE, None


async def mark_needs_reconnect(database: Database, profile_id: int, reason: str) -> None:
    """Record, in its own transaction, that Pinterest refused the refresh: nothing is deleted.
    The first time (the profile was active), a ``profile.needs_reconnect`` event tells the user."""
    async with database.transaction() as session:
        profile = await session.get(PinterestProfile, profile_id)
        if profile is not None:
            was_active = profile.status is ProfileStatus.ACTIVE
            profile.status = ProfileStatus.NEEDS_RECONNECT
            profile.status_reason = reason[:500]
            if was_active:
                await record_profile_event(
                    session, EventType.PROFILE_NEEDS_RECONNECT, profile, reason=reason[:500]
                )
