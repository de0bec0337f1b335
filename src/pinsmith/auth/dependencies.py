"""FastAPI dependencies that turn a request into a caller: ``CurrentUser`` guards the API."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Request, Security
from fastapi.security import APIKeyCookie, APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from pinsmith.api_keys import service as api_keys
from pinsmith.api_keys.repository import PresentedKey
from pinsmith.auth.service import Caller, Credentials, ensure_in_good_standing, identify
from pinsmith.auth.session import COOKIE_NAME, SessionCookie
from pinsmith.dependencies import DbSession, get_database, inline
from pinsmith.kit.db import Database
from pinsmith.kit.errors import Unauthorized
from pinsmith.kit.time import utcnow
from pinsmith.models import User

logger = logging.getLogger(__name__)

bearer_scheme = HTTPBearer(auto_error=False, description="`Authorization: Bearer sk_pinsmith_...`")
api_key_scheme = APIKeyHeader(name="X-API-Key", auto_error=False)
cookie_scheme = APIKeyCookie(name=COOKIE_NAME, auto_error=False)


def get_session_cookie(request: Request) -> SessionCookie:
    cookies: SessionCookie = request.app.state.session_cookie
    return cookies


async def read_credentials(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
    x_api_key: Annotated[str | None, Security(api_key_scheme)],
    cookie: Annotated[str | None, Security(cookie_scheme)],
) -> Credentials:
    if bearer is not None:
        return Credentials(api_key=bearer.credentials)
    if request.headers.get("authorization"):
        raise Unauthorized("Malformed Authorization header: expected 'Bearer sk_pinsmith_...'")
    if x_api_key:
        return Credentials(api_key=x_api_key.strip())
    if cookie:
        user_id = get_session_cookie(request).read(cookie)
        if user_id is None:
            raise Unauthorized("Session expired: sign in again")
        return Credentials(session_user_id=user_id)
    return Credentials()


async def get_caller(
    request: Request,
    session: DbSession,
    credentials: Annotated[Credentials, Depends(read_credentials)],
    background: BackgroundTasks,
) -> Caller | None:
    caller = await identify(session, credentials)
    if caller is not None and caller.api_key is not None:
        record_key_use(request, background, caller.api_key)
    return caller


def record_key_use(request: Request, background: BackgroundTasks, key: PresentedKey) -> None:
    """Note the key's last use when the stored one is stale: after the response, in its own
    short transaction, so it never holds up the request."""
    now = utcnow()
    if api_keys.is_last_use_stale(key, now):
        background.add_task(_mark_used, get_database(request), key.id, now)


async def get_current_user(caller: Annotated[Caller | None, Depends(get_caller)]) -> User:
    if caller is None:
        raise Unauthorized("Not authenticated: send 'Authorization: Bearer sk_pinsmith_...'")
    ensure_in_good_standing(caller.user)
    return caller.user


async def _mark_used(database: Database, key_id: int, at: datetime) -> None:
    try:
        async with database.transaction() as session:
            await api_keys.mark_used(session, key_id, at)
    except Exception:  # best effort: a missed timestamp must not surface as an error
        logger.warning("could not record the last use of API key %s", key_id, exc_info=True)


SessionCookies = Annotated[SessionCookie, Depends(inline(get_session_cookie))]
CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_optional_caller(
    request: Request,
    session: DbSession,
    background: BackgroundTasks,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
    x_api_key: Annotated[str | None, Security(api_key_scheme)],
    cookie: Annotated[str | None, Security(cookie_scheme)],
) -> Caller | None:
    """For pages: whoever is signed in, or None, where a stale cookie is simply not signed in."""
    try:
        credentials = await read_credentials(request, bearer, x_api_key, cookie)
        return await get_caller(request, session, credentials, background)
    except Unauthorized:
        return None


OptionalCaller = Annotated[Caller | None, Depends(get_optional_caller)]
