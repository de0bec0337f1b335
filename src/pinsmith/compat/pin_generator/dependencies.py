"""Who is calling Pin Generator's API: the ``access_key`` header holds a pinsmith API secret."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Request

from pinsmith.api_keys import service as api_keys
from pinsmith.compat.pin_generator.errors import MissingAccessKey, UserNotFound
from pinsmith.dependencies import DbSession, get_database
from pinsmith.kit.db import Database
from pinsmith.kit.time import utcnow
from pinsmith.models import User

logger = logging.getLogger(__name__)

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
    now = utcnow()
    if api_keys.is_last_use_stale(key, now):
        # After the response, in its own short transaction: never holds up the request.
        background.add_task(_mark_used, get_database(request), key.id, now)
    return user


async def _mark_used(database: Database, key_id: int, at: datetime) -> None:
    try:
        async with database.transaction() as session:
            await api_keys.mark_used(session, key_id, at)
    except Exception:  # best effort: a missed timestamp must not surface as an error
        logger.warning("could not record the last use of API key %s", key_id, exc_info=True)


KeyOwner = Annotated[User, Depends(get_key_owner)]
