"""Registering webhooks, in PinFlow's shape: the secret never comes back, URLs must be public."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import select

from pinsmith.app import create_app
from pinsmith.config import Settings
from pinsmith.kit import safe_http
from pinsmith.kit.crypto import SecretBox
from pinsmith.kit.db import Database
from pinsmith.models import Webhook
from tests.conftest import Account, Factory, make_settings
from tests.webhooks.conftest import register

HOOK = "https://hooks.example.com/pinflow"
PUBLIC_DNS = {
    "hooks.example.com": "93.184.216.34",
    "localhost": "127.0.0.1",
    "intranet.example.com": "10.20.30.40",
}


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches the internet: names resolve from PUBLIC_DNS."""

    async def resolve(host: str, port: int) -> list[safe_http.IPAddress]:
        if host not in PUBLIC_DNS:
            raise safe_http.UnsafeUrl(f"{host} does not resolve")
        return [ipaddress.ip_address(PUBLIC_DNS[host])]

    monkeypatch.setattr(safe_http, "resolve_host", resolve)


@pytest.fixture
async def strict_client(tmp_path: Path, settings: Settings) -> AsyncIterator[AsyncClient]:
    """pinsmith as deployed: private and loopback URLs refused."""
    strict = make_settings(tmp_path / "strict", settings.database_url, allow_private_urls=False)
    app: FastAPI = create_app(strict, migrate=False)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver") as http,
    ):
        yield http


async def test_a_webhook_is_registered_and_listed_in_pinflows_shape(
    client: AsyncClient, alice: Account
) -> None:
    created = await register(client, alice, HOOK, "pin.published", secret="a-random-string")

    assert {key: created[key] for key in ("profile_id", "url", "event", "is_active")} == {
        "profile_id": alice.profile.id,
        "url": HOOK,
        "event": "pin.published",
        "is_active": True,
    }
    assert created["pinterest_user_id"] == alice.profile.pinterest_user_id
    assert created["pinterest_username"] == alice.profile.username
    assert created["disabled_reason"] is None
    listed = await client.get("/webhooks", headers=alice.headers)
    assert listed.json() == [created]
    one = await client.get(f"/webhooks/{created['id']}", headers=alice.headers)
    assert one.json() == created


async def test_the_secret_is_never_returned_and_is_stored_encrypted(
    client: AsyncClient, alice: Account, database: Database, settings: Settings
) -> None:
    created = await register(client, alice, HOOK, secret="a-random-string")
    answers = [
        await client.get("/webhooks", headers=alice.headers),
        await client.get(f"/webhooks/{created['id']}", headers=alice.headers),
        await client.put(
            f"/webhooks/{created['id']}", json={"secret": "another"}, headers=alice.headers
        ),
    ]

    assert "secret" not in created
    assert all("a-random-string" not in a.text and "another" not in a.text for a in answers)
    async with database.transaction(write=False) as session:
        row = (await session.execute(select(Webhook))).scalar_one()
    assert row.secret_encrypted is not None
    assert "another" not in row.secret_encrypted
    assert SecretBox(settings.secret_keys).decrypt(row.secret_encrypted) == "another"


async def test_put_changes_only_the_fields_sent(client: AsyncClient, alice: Account) -> None:
    created = await register(client, alice, HOOK, "pin.failed")

    paused = await client.put(
        f"/webhooks/{created['id']}", json={"is_active": False}, headers=alice.headers
    )
    moved = await client.put(
        f"/webhooks/{created['id']}",
        json={"url": "https://hooks.example.com/other", "event": "pin.review"},
        headers=alice.headers,
    )

    assert paused.status_code == 200
    assert (paused.json()["is_active"], paused.json()["event"]) == (False, "pin.failed")
    assert (moved.json()["url"], moved.json()["event"], moved.json()["is_active"]) == (
        "https://hooks.example.com/other",
        "pin.review",
        False,
    )


async def test_a_deleted_webhook_is_gone(client: AsyncClient, alice: Account) -> None:
    created = await register(client, alice, HOOK)

    deleted = await client.delete(f"/webhooks/{created['id']}", headers=alice.headers)

    assert deleted.status_code == 204
    gone = await client.get(f"/webhooks/{created['id']}", headers=alice.headers)
    assert gone.status_code == 404
    assert (await client.get("/webhooks", headers=alice.headers)).json() == []


async def test_another_users_webhook_is_not_found(
    client: AsyncClient, alice: Account, bob: Account
) -> None:
    created = await register(client, alice, HOOK)
    path = f"/webhooks/{created['id']}"

    answers = [
        await client.get(path, headers=bob.headers),
        await client.put(path, json={"is_active": False}, headers=bob.headers),
        await client.delete(path, headers=bob.headers),
        await client.get(f"{path}/deliveries", headers=bob.headers),
        await client.post(f"{path}/deliveries/1/redeliver", headers=bob.headers),
    ]

    assert [answer.status_code for answer in answers] == [404] * 5
    assert (await client.get("/webhooks", headers=bob.headers)).json() == []
    assert (await client.get(path, headers=alice.headers)).json()["is_active"] is True


async def test_a_webhook_belongs_to_the_profile_named_else_the_selected_one(
    client: AsyncClient, alice: Account, bob: Account, factory: Factory
) -> None:
    second = await factory.profile(alice.user, pinterest_user_id="7770001", username="alice_two")

    named = await register(client, alice, HOOK, profile_id=second.id)
    default = await register(client, alice, HOOK)
    others = await client.post(
        "/webhooks",
        json={"url": HOOK, "event": "pin.created", "profile_id": bob.profile.id},
        headers=alice.headers,
    )

    assert (named["profile_id"], named["pinterest_username"]) == (second.id, "alice_two")
    assert default["profile_id"] == alice.profile.id
    assert others.status_code == 404


@pytest.mark.parametrize("event", ["pin.deleted", "pin.status_changed", "webhook.disabled", ""])
async def test_an_unknown_event_is_a_422(client: AsyncClient, alice: Account, event: str) -> None:
    answer = await client.post(
        "/webhooks", json={"url": HOOK, "event": event}, headers=alice.headers
    )

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "event"]


@pytest.mark.parametrize(
    "url",
    ["ftp://hooks.example.com/x", "hooks.example.com/x", "https://user:pw@hooks.example.com/"],
)
async def test_only_plain_http_and_https_urls_are_accepted(
    client: AsyncClient, alice: Account, url: str
) -> None:
    answer = await client.post(
        "/webhooks", json={"url": url, "event": "pin.created"}, headers=alice.headers
    )

    assert answer.status_code == 400
    assert "Webhook URL refused" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8080/hook", "loopback"),
        ("http://[::1]/hook", "loopback"),
        ("http://localhost/hook", "loopback"),
        ("http://10.0.0.5/hook", "private"),
        ("https://192.168.1.20/hook", "private"),
        ("https://intranet.example.com/hook", "private"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("https://nowhere.example.com/hook", "does not resolve"),
    ],
)
async def test_a_url_on_a_private_or_loopback_address_is_a_400(
    strict_client: AsyncClient, alice: Account, url: str, reason: str
) -> None:
    answer = await strict_client.post(
        "/webhooks", json={"url": url, "event": "pin.created"}, headers=alice.headers
    )

    assert answer.status_code == 400
    assert reason in answer.json()["detail"]
    assert (await strict_client.get("/webhooks", headers=alice.headers)).json() == []


async def test_a_public_url_is_accepted_and_cannot_be_moved_to_a_private_one(
    strict_client: AsyncClient, alice: Account
) -> None:
    created = await register(strict_client, alice, HOOK)

    moved = await strict_client.put(
        f"/webhooks/{created['id']}",
        json={"url": "https://intranet.example.com/hook"},
        headers=alice.headers,
    )

    assert moved.status_code == 400
    kept = await strict_client.get(f"/webhooks/{created['id']}", headers=alice.headers)
    assert kept.json()["url"] == HOOK
