from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from pinsmith.config import Settings
from pinsmith.kit.crypto import DecryptionError, SecretBox, generate_secret_key
from pinsmith.kit.db import Database
from pinsmith.kit.errors import NotFound
from pinsmith.models import PinterestProfile, ProfileStatus
from pinsmith.profiles import service as profiles
from pinsmith.profiles.schemas import ProfileConnect
from tests.conftest import TEST_SECRET_KEY, Clock, Factory, make_settings

ACCESS = "pina_AMAQEAQWAAAAGAQAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
REFRESH = "pinr_AQEAQWAAAAGAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


async def stored_profile(database: Database, profile_id: int) -> PinterestProfile:
    async with database.transaction(write=False) as session:
        statement = select(PinterestProfile).where(PinterestProfile.id == profile_id)
        return (await session.execute(statement)).scalar_one()


async def test_tokens_are_encrypted_at_rest(factory: Factory, database: Database) -> None:
    user = await factory.user()
    profile = await factory.profile(user, access_token=ACCESS, refresh_token=REFRESH)

    async with database.transaction(write=False) as session:
        raw = (await session.execute(text("SELECT * FROM pinterest_profiles"))).all()

    flattened = " ".join(str(value) for row in raw for value in row)
    assert ACCESS not in flattened
    assert REFRESH not in flattened
    tokens = profiles.tokens(
        SecretBox([TEST_SECRET_KEY]), await stored_profile(database, profile.id)
    )
    assert (tokens.access_token, tokens.refresh_token) == (ACCESS, REFRESH)


async def test_tokens_survive_a_restart_and_a_key_rotation(
    factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    user = await factory.user()
    profile = await factory.profile(user, access_token=ACCESS, refresh_token=REFRESH)
    new_key = generate_secret_key()

    # A restart: a new process with its own engine and the same settings.
    restarted = Database(settings.database_url)
    row = await stored_profile(restarted, profile.id)
    assert profiles.tokens(SecretBox(settings.secret_keys), row).access_token == ACCESS

    # Rotation, step 1: the new key goes first, the old one stays to decrypt.
    rotated = make_settings(tmp_path, settings.database_url, secret_keys=[new_key, TEST_SECRET_KEY])
    assert profiles.tokens(SecretBox(rotated.secret_keys), row).refresh_token == REFRESH
    with pytest.raises(DecryptionError):
        profiles.tokens(SecretBox([new_key]), row)

    # Step 2: re-encrypt under the new key; then the old key can be removed.
    async with restarted.transaction() as session:
        assert await profiles.reencrypt_tokens(session, SecretBox(rotated.secret_keys)) == 1
    row = await stored_profile(restarted, profile.id)
    await restarted.dispose()
    tokens = profiles.tokens(SecretBox([new_key]), row)
    assert (tokens.access_token, tokens.refresh_token) == (ACCESS, REFRESH)


async def test_the_first_profile_is_selected_and_selection_moves(
    factory: Factory, database: Database
) -> None:
    user = await factory.user()
    first = await factory.profile(user, pinterest_user_id="111")
    second = await factory.profile(user, pinterest_user_id="222", username="second")

    assert first.is_selected
    assert not second.is_selected
    async with database.transaction() as session:
        await profiles.select(session, user, second.id)
    assert not (await stored_profile(database, first.id)).is_selected
    assert (await stored_profile(database, second.id)).is_selected


async def test_reconnecting_without_a_token_keeps_the_stored_one(
    factory: Factory, database: Database, clock: Clock
) -> None:
    user = await factory.user()
    profile = await factory.profile(user, access_token=ACCESS, expires_in=3600)

    again = await factory.profile(user, username="renamed")

    row = await stored_profile(database, profile.id)
    assert again.id == profile.id
    assert row.username == "renamed"
    assert profiles.tokens(SecretBox([TEST_SECRET_KEY]), row).access_token == ACCESS
    assert row.token_expires_at is not None
    assert (row.token_expires_at - clock.now).total_seconds() == 3600


async def test_a_new_token_brings_a_profile_back_to_active(
    factory: Factory, database: Database, clock: Clock
) -> None:
    user = await factory.user()
    profile = await factory.profile(user, access_token=ACCESS)
    async with database.transaction() as session:
        row = await profiles.get(session, user, profile.id)
        row.status, row.status_reason = ProfileStatus.NEEDS_RECONNECT, "refresh token revoked"

    await factory.profile(user, access_token="pina_new", expires_in=60)

    row = await stored_profile(database, profile.id)
    assert row.status is ProfileStatus.ACTIVE
    assert row.status_reason is None
    assert row.token_expires_at is not None
    assert (row.token_expires_at - clock.now).total_seconds() == 60


async def test_another_users_profile_is_not_found(factory: Factory, database: Database) -> None:
    alice, bob = await factory.user("alice"), await factory.user("bob")
    bobs = await factory.profile(bob)

    async with database.transaction() as session:
        with pytest.raises(NotFound):
            await profiles.get(session, alice, bobs.id)
        with pytest.raises(NotFound):
            await profiles.select(session, alice, bobs.id)


async def test_profile_connect_validates_its_input() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="pinterest_user_id"):
        ProfileConnect(pinterest_user_id="12ab", username="x")
    with pytest.raises(ValidationError, match="expires_in"):
        ProfileConnect(pinterest_user_id="12", username="x", expires_in=0)
