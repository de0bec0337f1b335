"""Who is calling Pin Generator's API: the ``access_key`` header holds a pinsmith API secret."""

from __future__ import annotations

from typing import Annotated

from fastapi import BackgroundTasks, Depends, Request

from pinsmith.api_keys import service as api_keys
from pinsmith.auth.dependencies import record_key_use
from pinsmith.compat.pin_generator.errors import MissingAccessKey, UserNotFound
from pinsmith.dependencies import DbSession
from pinsmith.models import User

ACCESS_KEY_HEADER = "access_key"
# nginx drops header names with underscores unless told otherwise; behind it, a client can send
# the same key as ``access-key``.
ACCESS_KEY_FALLBACK = "access-key"


async def get_key_owner(request: Request, session: DbSession, background: BackgroundTasks) -> User:
    """The owner of the key; 403 without a key, 401 for any key that may not be used."""
    secret = (
        request.headers.get(ACCESS_KEY_HEADER) or request.headers.get(ACCESS_KEY_FALLBACK) or ""
    ).strip()
    if not secret:
        raise MissingAccessKey
    found = await api_keys.find_by_secret(session, secret)
    if found is None:
        raise UserNotFound
    key, user = found
    if not key.is_active or user.is_suspended or not user.is_approved:
        raise UserNotFound
    record_key_use(request, background, key)
    return user


KeyOwner = Annotated[User, Depends(get_key_owner)]
