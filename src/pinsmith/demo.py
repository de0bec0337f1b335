"""The demo account: one approved user, its Pinterest profile connected to the demo sandbox with
real sandbox tokens, and an API key that survives restarts.

The key's secret is kept in the data directory (mode 0600) so that every ``pinsmith demo`` can
print it again; the database still holds only its hash. The Pinterest side (the sandbox account
and its boards) lives in ``demo_sandbox``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.api_keys import service as api_keys
from pinsmith.api_keys.schemas import ApiKeyCreate
from pinsmith.config import Settings
from pinsmith.demo_sandbox import DemoPinterestAccount
from pinsmith.kit.crypto import DecryptionError, SecretBox
from pinsmith.kit.files import write_private
from pinsmith.models import PinterestProfile, User
from pinsmith.profiles import service as profiles
from pinsmith.profiles.schemas import ProfileConnect
from pinsmith.profiles.tokens import store_tokens
from pinsmith.quotas.plans import PlanName
from pinsmith.users import service as users
from pinsmith.users.repository import UserRepository
from pinsmith.users.schemas import UserCreate, UserUpdate

DEMO_USERNAME = "demo"
DEMO_KEY_FILE = "demo_api_key"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    pinterest_username: str
    api_key: str


async def prepare(
    session: AsyncSession,
    settings: Settings,
    stored_key: str | None,
    pinterest: DemoPinterestAccount,
) -> DemoAccount:
    """The demo account, reusing ``stored_key`` while it is still a valid key of the demo user,
    with ``pinterest``'s account as its selected profile and tokens the sandbox accepts."""
    user = await _demo_user(session, settings, pinterest.user.id)
    await _connect(session, SecretBox(settings.secret_keys), user, pinterest)
    return DemoAccount(
        username=user.username,
        pinterest_username=pinterest.user.username,
        api_key=await _demo_key(session, user, stored_key),
    )


def read_stored_key(settings: Settings) -> str | None:
    path = settings.data_dir / DEMO_KEY_FILE
    return path.read_text(encoding="ascii").strip() if path.is_file() else None


def store_key(settings: Settings, secret: str) -> None:
    write_private(settings.data_dir / DEMO_KEY_FILE, secret + "\n")


async def _demo_user(session: AsyncSession, settings: Settings, pinterest_user_id: str) -> User:
    user = await UserRepository(session).get_by_username(DEMO_USERNAME)
    if user is None:
        return await users.create(
            session,
            settings,
            UserCreate(
                username=DEMO_USERNAME,
                pinterest_user_id=pinterest_user_id,
                plan=PlanName.UNLIMITED,
                daily_pin_limit=100,
                is_approved=True,
            ),
        )
    # The sandbox account is who "Log in with Pinterest" finds, also after a sandbox reset.
    user.pinterest_user_id = pinterest_user_id
    return await users.update(session, user, UserUpdate(is_approved=True, is_suspended=False))


async def _connect(
    session: AsyncSession, box: SecretBox, user: User, pinterest: DemoPinterestAccount
) -> PinterestProfile:
    """Connect the sandbox account (fresh tokens only when the stored ones would be refused),
    select it, and drop profiles of sandbox accounts that no longer exist."""
    profile = await profiles.connect(
        session,
        box,
        user,
        ProfileConnect(pinterest_user_id=pinterest.user.id, username=pinterest.user.username),
    )
    fresh = pinterest.renewed_tokens(_stored_access_token(box, profile))
    if fresh is not None:
        store_tokens(
            box, profile, fresh.access_token, fresh.refresh_token, fresh.access_token_expires_at
        )
    await profiles.select(session, user, profile.id)
    for other in await profiles.list_for_user(session, user):
        if other.id != profile.id and pinterest.sandbox.user(other.pinterest_user_id) is None:
            await profiles.disconnect(session, user, other.id, force=True)
    return profile


def _stored_access_token(box: SecretBox, profile: PinterestProfile) -> str | None:
    try:
        return profiles.tokens(box, profile).access_token
    except DecryptionError:  # written under a key that is gone: replace it
        return None


async def _demo_key(session: AsyncSession, user: User, stored_key: str | None) -> str:
    if stored_key:
        found = await api_keys.find_by_secret(session, stored_key)
        if found is not None and found[0].is_active and found[1].id == user.id:
            return stored_key
    issued = await api_keys.create(session, user, ApiKeyCreate(name="demo"))
    return issued.secret
