"""API keys as PinFlow documents them: a public display id and a secret shown once."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.api_keys.repository import ApiKeyRepository, PresentedKey
from pinsmith.api_keys.schemas import ApiKeyCreate
from pinsmith.kit.crypto import hash_secret, secrets_match
from pinsmith.kit.errors import Conflict
from pinsmith.kit.time import utcnow
from pinsmith.models import ApiKey, User
from pinsmith.users.repository import UserRepository

SECRET_PREFIX = "sk_pinsmith_"  # noqa: S105 - a prefix, not a secret
DISPLAY_PREFIX = "pk_pinsmith_"
MAX_ACTIVE_KEYS = 10
# last_used_at is rewritten at most this often per key, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    secret: str


def looks_like_secret(value: str) -> bool:
    return value.startswith(SECRET_PREFIX)


async def list_for_user(session: AsyncSession, user: User) -> Sequence[ApiKey]:
    return await ApiKeyRepository(session).list_for_user(user.id)


async def create(session: AsyncSession, user: User, data: ApiKeyCreate) -> IssuedKey:
    repository = ApiKeyRepository(session)
    await UserRepository(session).lock(user.id)
    await _ensure_room_for_active_key(repository, user)
    secret = SECRET_PREFIX + secrets.token_hex(32)
    key = ApiKey(
        user_id=user.id,
        name=data.name,
        display_id=DISPLAY_PREFIX + secrets.token_hex(8),
        secret_hash=hash_secret(secret),
        is_active=True,
    )
    return IssuedKey(key=await repository.add(key), secret=secret)


async def toggle(session: AsyncSession, user: User, key_id: int) -> ApiKey:
    repository = ApiKeyRepository(session)
    await UserRepository(session).lock(user.id)
    key = await repository.require_owned(key_id, user.id)
    if not key.is_active:
        await _ensure_room_for_active_key(repository, user)
    key.is_active = not key.is_active
    await session.flush()
    return key


async def revoke(session: AsyncSession, user: User, key_id: int) -> None:
    repository = ApiKeyRepository(session)
    await repository.delete(await repository.require_owned(key_id, user.id))


async def find_by_secret(session: AsyncSession, secret: str) -> tuple[PresentedKey, User] | None:
    """The key and its owner, whatever the key's state; the caller decides what is allowed."""
    found = await ApiKeyRepository(session).get_with_owner_by_hash(hash_secret(secret))
    if found is None or not secrets_match(found[0].secret_hash, secret):
        return None
    return found


def is_last_use_stale(key: PresentedKey, now: datetime) -> bool:
    return key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION


async def mark_used(session: AsyncSession, key_id: int, at: datetime | None = None) -> None:
    await ApiKeyRepository(session).mark_used(key_id, at or utcnow())


async def _ensure_room_for_active_key(repository: ApiKeyRepository, user: User) -> None:
    if await repository.count_active(user.id) >= MAX_ACTIVE_KEYS:
        raise Conflict(
            f"At most {MAX_ACTIVE_KEYS} active API keys per account: disable or revoke one first"
        )
