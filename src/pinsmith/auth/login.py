"""Signing in with Pinterest: PinFlow's OAuth flow, with a signed, single-use ``state``.

The ``state`` carries a random nonce signed with the deployment's keys; the nonce is also kept
in the database (used once, 10 minutes at most) and in a cookie of the browser that started the
login, so a state that is forged, replayed or carried to another browser signs no one in.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer

from pinsmith.auth.repository import OAuthStateRepository
from pinsmith.auth.session import ClockSigner
from pinsmith.config import Settings
from pinsmith.kit.db import Database
from pinsmith.kit.errors import BadGateway, BadRequest
from pinsmith.kit.time import utcnow
from pinsmith.models import OAuthState, User
from pinsmith.pinterest import MemoryTokenStore
from pinsmith.profiles import service as profiles
from pinsmith.profiles.pinterest import PinterestAccess
from pinsmith.users import service as users
from pinsmith.users.repository import UserRepository

STATE_MAX_AGE = timedelta(minutes=10)
STATE_COOKIE = "pinsmith_login"
START_AGAIN = "start again at /auth/login"


class LoginRefused(BadRequest):
    """The person (or Pinterest) declined on the consent page."""


class LoginStates:
    """Signs a login's nonce into the ``state`` parameter and reads it back."""

    def __init__(self, keys: list[str]) -> None:
        self._serializer = URLSafeTimedSerializer(
            list(reversed(keys)), salt="pinsmith.oauth-state", signer=ClockSigner
        )

    def sign(self, nonce: str) -> str:
        return self._serializer.dumps(nonce)

    def nonce_of(self, state: str) -> str | None:
        """The nonce inside a genuine state younger than 10 minutes, else None."""
        try:
            nonce = self._serializer.loads(state, max_age=int(STATE_MAX_AGE.total_seconds()))
        except BadSignature:
            return None
        return nonce if isinstance(nonce, str) else None


@dataclass(frozen=True)
class LoginStart:
    authorize_url: str
    nonce: str  # for the browser's cookie


@dataclass(frozen=True)
class Callback:
    """What Pinterest's redirect brought back, and the nonce the browser kept."""

    state: str | None
    code: str | None
    error: str | None
    error_description: str | None
    browser_nonce: str | None


async def start(
    database: Database, access: PinterestAccess, connect_user: User | None
) -> LoginStart:
    """Record a login in progress and give the consent page's address."""
    oauth = access.oauth()  # fails first when Pinterest login is not configured
    nonce = secrets.token_urlsafe(32)
    async with database.transaction() as session:
        repository = OAuthStateRepository(session)
        await repository.forget_before(utcnow() - STATE_MAX_AGE)
        await repository.add(
            OAuthState(nonce=nonce, connect_user_id=connect_user.id if connect_user else None)
        )
    state = LoginStates(access.settings.secret_keys).sign(nonce)
    return LoginStart(oauth.authorize_url(access.settings.pinterest_callback_url, state), nonce)


async def finish(database: Database, access: PinterestAccess, callback: Callback) -> User:
    """Check the state, trade the code for tokens, and sign in (or up) the account's owner."""
    connect_user_id = await _take_state(database, access.settings, callback)
    if callback.error:
        raise LoginRefused(
            f"Pinterest did not grant access ({callback.error_description or callback.error})"
        )
    if not callback.code:
        raise BadRequest(f"Pinterest sent no authorization code: {START_AGAIN}")
    async with access.errors():
        tokens = await access.oauth().exchange_code(
            callback.code, access.settings.pinterest_callback_url
        )
        account = await access.client(MemoryTokenStore(tokens)).get_user_account()
    if not account.id or not account.username:
        raise BadGateway("Pinterest did not say which account signed in")
    async with database.transaction() as session:
        repository = UserRepository(session)
        user = (
            await repository.get(connect_user_id)
            if connect_user_id is not None
            else await repository.get_by_pinterest_id(account.id)
        )
        if user is None and connect_user_id is not None:
            raise BadRequest(f"The account this login was connecting is gone: {START_AGAIN}")
        if user is None:
            user = await users.sign_up(session, access.settings, account.id, account.username)
        await profiles.connect_signed_in(
            session, access.box, user, account.id, account.username, tokens
        )
    return user


async def _take_state(database: Database, settings: Settings, callback: Callback) -> int | None:
    """Use up the login's state: the user id it connects a profile for, if any."""
    nonce = LoginStates(settings.secret_keys).nonce_of(callback.state or "")
    if nonce is None:
        raise BadRequest(f"This sign-in link is invalid or has expired: {START_AGAIN}")
    if callback.browser_nonce != nonce:
        raise BadRequest(f"This sign-in was started in another browser: {START_AGAIN}")
    async with database.transaction() as session:
        taken = await OAuthStateRepository(session).take(nonce)
    if taken is None:
        raise BadRequest(f"This sign-in link was already used: {START_AGAIN}")
    return taken[0]
