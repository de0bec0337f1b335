from __future__ import annotations

import re
from datetime import timedelta

from httpx import AsyncClient
from sqlalchemy import select, text

from pinsmith.api_keys.service import MAX_ACTIVE_KEYS
from pinsmith.kit.crypto import hash_secret
from pinsmith.kit.db import Database
from pinsmith.models import ApiKey
from tests.conftest import Clock, Factory, bearer


async def test_created_key_shows_its_secret_once_and_stores_only_a_hash(
    client: AsyncClient, factory: Factory, database: Database
) -> None:
    _, secret = await factory.user_with_key()

    response = await client.post("/api-keys", json={"name": "n8n"}, headers=bearer(secret))

    assert response.status_code == 201
    created = response.json()
    assert re.fullmatch(r"sk_pinsmith_[0-9a-f]{64}", created["secret_key"])
    assert re.fullmatch(r"pk_pinsmith_[0-9a-f]{16}", created["display_id"])
    assert created["name"] == "n8n"
    assert created["is_active"] is True
    async with database.transaction(write=False) as session:
        row = (await session.execute(select(ApiKey).where(ApiKey.id == created["id"]))).scalar_one()
        raw = (await session.execute(text("SELECT * FROM api_keys"))).all()
    assert row.secret_hash == hash_secret(created["secret_key"])
    assert all(created["secret_key"] not in str(value) for record in raw for value in record)


async def test_listing_returns_metadata_and_never_a_secret(
    client: AsyncClient, factory: Factory
) -> None:
    _, secret = await factory.user_with_key()

    listed = (await client.get("/api-keys", headers=bearer(secret))).json()

    assert len(listed) == 1
    assert set(listed[0]) == {"id", "name", "display_id", "is_active", "last_used_at", "created_at"}
    assert secret not in str(listed)


async def test_the_new_secret_authenticates(client: AsyncClient, factory: Factory) -> None:
    _, secret = await factory.user_with_key()
    created = (await client.post("/api-keys", json={"name": "zap"}, headers=bearer(secret))).json()

    me = await client.get("/auth/me", headers=bearer(created["secret_key"]))

    assert me.status_code == 200
    assert me.json()["username"] == "alice"


async def test_an_eleventh_active_key_is_refused(client: AsyncClient, factory: Factory) -> None:
    user, secret = await factory.user_with_key()
    for index in range(MAX_ACTIVE_KEYS - 1):
        await factory.api_key(user, name=f"key {index}")

    response = await client.post("/api-keys", json={"name": "one too many"}, headers=bearer(secret))

    assert response.status_code == 409
    assert "10 active API keys" in response.json()["detail"]
    assert len((await client.get("/api-keys", headers=bearer(secret))).json()) == MAX_ACTIVE_KEYS


async def test_disabling_a_key_makes_room_and_reenabling_over_the_limit_is_refused(
    client: AsyncClient, factory: Factory
) -> None:
    user, secret = await factory.user_with_key()
    for index in range(MAX_ACTIVE_KEYS - 1):
        await factory.api_key(user, name=f"key {index}")
    keys = (await client.get("/api-keys", headers=bearer(secret))).json()
    spare = keys[-1]["id"]

    disabled = await client.patch(f"/api-keys/{spare}/toggle", headers=bearer(secret))
    created = await client.post("/api-keys", json={"name": "new"}, headers=bearer(secret))
    reenabled = await client.patch(f"/api-keys/{spare}/toggle", headers=bearer(secret))

    assert disabled.status_code == 200
    assert disabled.json()["is_active"] is False
    assert created.status_code == 201
    assert reenabled.status_code == 409


async def test_a_disabled_key_is_refused_at_once_and_works_again_when_enabled(
    client: AsyncClient, factory: Factory
) -> None:
    user, admin_secret = await factory.user_with_key()
    other_secret = await factory.api_key(user, name="script")
    keys = (await client.get("/api-keys", headers=bearer(admin_secret))).json()
    script_key = next(key["id"] for key in keys if key["name"] == "script")

    await client.patch(f"/api-keys/{script_key}/toggle", headers=bearer(admin_secret))
    refused = await client.get("/auth/me", headers=bearer(other_secret))
    await client.patch(f"/api-keys/{script_key}/toggle", headers=bearer(admin_secret))
    accepted = await client.get("/auth/me", headers=bearer(other_secret))

    assert refused.status_code == 401
    assert refused.json() == {"detail": "API key is disabled"}
    assert accepted.status_code == 200


async def test_a_revoked_key_is_refused_at_once(client: AsyncClient, factory: Factory) -> None:
    _, secret = await factory.user_with_key()
    key_id = (await client.get("/api-keys", headers=bearer(secret))).json()[0]["id"]

    deleted = await client.delete(f"/api-keys/{key_id}", headers=bearer(secret))
    after = await client.get("/auth/me", headers=bearer(secret))

    assert deleted.status_code == 204
    assert deleted.content == b""
    assert after.status_code == 401
    assert after.json() == {"detail": "Invalid or revoked API key"}


async def test_another_users_key_is_not_found_and_left_untouched(
    client: AsyncClient, factory: Factory
) -> None:
    _, alice = await factory.user_with_key("alice")
    _, bob = await factory.user_with_key("bob")
    bobs_key = (await client.get("/api-keys", headers=bearer(bob))).json()[0]["id"]

    toggled = await client.patch(f"/api-keys/{bobs_key}/toggle", headers=bearer(alice))
    deleted = await client.delete(f"/api-keys/{bobs_key}", headers=bearer(alice))

    assert toggled.status_code == 404
    assert toggled.json() == {"detail": "API key not found"}
    assert deleted.status_code == 404
    assert (await client.get("/auth/me", headers=bearer(bob))).status_code == 200
    alices_keys = (await client.get("/api-keys", headers=bearer(alice))).json()
    assert bobs_key not in [key["id"] for key in alices_keys]


async def test_unknown_and_mistyped_fields_are_refused_naming_the_field(
    client: AsyncClient, factory: Factory
) -> None:
    _, secret = await factory.user_with_key()

    unknown = await client.post(
        "/api-keys", json={"name": "x", "nmae": "typo"}, headers=bearer(secret)
    )
    mistyped = await client.post("/api-keys", json={"name": 123}, headers=bearer(secret))
    missing = await client.post("/api-keys", json={}, headers=bearer(secret))
    empty = await client.post("/api-keys", json={"name": "   "}, headers=bearer(secret))
    not_json = await client.post(
        "/api-keys",
        content=b"{name",
        headers={**bearer(secret), "Content-Type": "application/json"},
    )

    for response, field in [
        (unknown, "nmae"),
        (mistyped, "name"),
        (missing, "name"),
        (empty, "name"),
    ]:
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", field]
    assert not_json.status_code == 422
    assert len((await client.get("/api-keys", headers=bearer(secret))).json()) == 1


async def test_a_key_id_that_is_not_a_number_is_a_422(
    client: AsyncClient, factory: Factory
) -> None:
    _, secret = await factory.user_with_key()

    response = await client.delete("/api-keys/abc", headers=bearer(secret))

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "key_id"]


async def test_last_used_is_recorded_but_rewritten_at_most_once_a_minute(
    client: AsyncClient, factory: Factory, database: Database, clock: Clock
) -> None:
    _, secret = await factory.user_with_key()

    async def last_used() -> object:
        async with database.transaction(write=False) as session:
            return (await session.execute(select(ApiKey.last_used_at))).scalar_one()

    assert await last_used() is None
    await client.get("/auth/me", headers=bearer(secret))
    first = await last_used()
    clock.advance(seconds=30)
    await client.get("/auth/me", headers=bearer(secret))
    unchanged = await last_used()
    clock.advance(seconds=31)
    await client.get("/auth/me", headers=bearer(secret))
    refreshed = await last_used()

    assert first == clock.now - timedelta(seconds=61)
    assert unchanged == first
    assert refreshed == clock.now
