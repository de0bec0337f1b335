"""The demo account: one approved user, a connected profile and an API key that survives restarts.

The key's secret is kept in the data directory (mode 0600) so that every ``pinsmith demo`` can
print it again; the database still holds only its hash.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.api_keys import service as api_keys
from pinsmith.api_keys.schemas import ApiKeyCreate
from pinsmith.config import Settings
from pinsmith.kit.crypto import SecretBox
from pinsmith.kit.files import write_private
from pinsmith.models import User
from pinsmith.profiles import service as profiles
from pinsmith.profiles.schemas import ProfileConnect
from pinsmith.quotas.plans import PlanName
from pinsmith.users import service as users
from pinsmith.users.repository import UserRepository
from pinsmith.users.schemas import UserCreate, UserUpdate

DEMO_USERNAME = "demo"
DEMO_PINTEREST_USER_ID = "1000000001"
DEMO_PINTEREST_USERNAME = "demo_pinner"
DEMO_KEY_FILE = "demo_api_key"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    pinterest_username: str
    api_key: str


async def prepare(session: AsyncSession, settings: Settings, stored_key: str | None) -> DemoAccount:
    """The demo account, reusing ``stored_key`` while it is still a valid key of the demo user."""
    user = await _demo_user(session, settings)
    await profiles.connect(
        session,
        SecretBox(settings.secret_keys),
        user,
        ProfileConnect(pinterest_user_id=DEMO_PINTEREST_USER_ID, username=DEMO_PINTEREST_USERNAME),
    )
    return DemoAccount(
        username=user.username,
        pinterest_username=DEMO_PINTEREST_USERNAME,
        api_key=await _demo_key(session, user, stored_key),
    )


def read_stored_key(settings: Settings) -> str | None:
    path = settings.data_dir / DEMO_KEY_FILE
    return path.read_text(encoding="ascii").strip() if path.is_file() else None


def store_key(settings: Settings, secret: str) -> None:
    write_private(settings.data_dir / DEMO_KEY_FILE, secret + "\n")


async def _demo_user(session: AsyncSession, settings: Settings) -> User:
    user = await UserRepository(session).get_by_username(DEMO_USERNAME)
    if user is None:
        return await users.create(
            session,
            settings,
            UserCreate(
                username=DEMO_USERNAME,
                pinterest_user_id=DEMO_PINTEREST_USER_ID,
                plan=PlanName.UNLIMITED,
                daily_pin_limit=100,
                is_approved=True,
            ),
        )
    return await users.update(session, user, UserUpdate(is_approved=True, is_suspended=False))


async def _demo_key(session: AsyncSession, user: User, stored_key: str | None) -> str:
    if stored_key:
        found = await api_keys.find_by_secret(session, stored_key)
        if found is not None and found[0].is_active and found[1].id == user.id:
            return stored_key
    issued = await api_keys.create(session, user, ApiKeyCreate(name="demo"))
    return issued.secret
