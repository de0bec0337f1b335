from __future__ import annotations

import pytest
from httpx import AsyncClient

from pinsmith.kit.db import Database
from pinsmith.models import ProfileStatus
from pinsmith.profiles import service as profiles
from tests.conftest import Account, Clock, Factory, account

BODY = {"board_id": "1", "media_url": "https://img.example.com/a.jpg"}


@pytest.fixture
async def alice(factory: Factory, clock: Clock) -> Account:
    return await account(factory, "alice")


async def test_profiles_are_listed_with_their_status(
    client: AsyncClient, alice: Account, factory: Factory, database: Database
) -> None:
    shop = await factory.profile(alice.user, pinterest_user_id="777", username="alice_shop")
    async with database.transaction() as session:
        row = await profiles.get(session, alice.user, shop.id)
        row.status, row.status_reason = ProfileStatus.NEEDS_RECONNECT, "refresh token revoked"

    listed = (await client.get("/profiles", headers=alice.headers)).json()
    me = (await client.get("/auth/me", headers=alice.headers)).json()

    assert listed == [
        {
            "id": alice.profile.id,
            "pinterest_user_id": alice.profile.pinterest_user_id,
            "username": alice.profile.username,
            "status": "active",
            "status_reason": None,
            "is_selected": True,
        },
        {
            "id": shop.id,
            "pinterest_user_id": "777",
            "username": "alice_shop",
            "status": "needs_reconnect",
            "status_reason": "refresh token revoked",
            "is_selected": False,
        },
    ]
    assert [(p["username"], p["status"], p["status_reason"]) for p in me["profiles"]] == [
        (alice.profile.username, "active", None),
        ("alice_shop", "needs_reconnect", "refresh token revoked"),
    ]


async def test_selecting_a_profile_sends_new_pins_to_it(
    client: AsyncClient, alice: Account, factory: Factory
) -> None:
    shop = await factory.profile(alice.user, pinterest_user_id="777", username="alice_shop")

    selected = await client.put(f"/profiles/{shop.id}/select", headers=alice.headers)
    pin = (await client.post("/pins", json=BODY, headers=alice.headers)).json()
    listed = (await client.get("/profiles", headers=alice.headers)).json()

    assert selected.json()["is_selected"] is True
    assert pin["profile_id"] == shop.id
    assert [p["is_selected"] for p in listed] == [False, True]


async def test_a_profile_with_waiting_pins_is_kept_unless_forced(
    client: AsyncClient, alice: Account
) -> None:
    queued = (await client.post("/pins", json=BODY, headers=alice.headers)).json()
    draft = (
        await client.post("/pins", json=BODY | {"status": "draft"}, headers=alice.headers)
    ).json()

    refused = await client.delete(f"/profiles/{alice.profile.id}", headers=alice.headers)
    forced = await client.delete(f"/profiles/{alice.profile.id}?force=true", headers=alice.headers)

    assert refused.status_code == 409
    assert "1 queued or scheduled pin" in refused.json()["detail"]
    assert forced.status_code == 204
    assert (await client.get("/profiles", headers=alice.headers)).json() == []
    kept = {p["id"]: p for p in (await client.get("/pins", headers=alice.headers)).json()}
    assert kept[queued["id"]]["status"] == "draft"
    assert kept[queued["id"]]["profile_id"] is None
    assert kept[queued["id"]]["pinterest_username"] == alice.profile.username
    assert kept[draft["id"]]["status"] == "draft"


async def test_disconnecting_the_selected_profile_selects_another(
    client: AsyncClient, alice: Account, factory: Factory
) -> None:
    shop = await factory.profile(alice.user, pinterest_user_id="777", username="alice_shop")

    await client.delete(f"/profiles/{alice.profile.id}", headers=alice.headers)

    listed = (await client.get("/profiles", headers=alice.headers)).json()
    assert [(p["id"], p["is_selected"]) for p in listed] == [(shop.id, True)]


async def test_another_users_profile_is_a_404(
    client: AsyncClient, alice: Account, factory: Factory, clock: Clock
) -> None:
    bob = await account(factory, "bob")

    answers = [
        await client.put(f"/profiles/{bob.profile.id}/select", headers=alice.headers),
        await client.delete(f"/profiles/{bob.profile.id}?force=true", headers=alice.headers),
    ]

    assert [answer.status_code for answer in answers] == [404, 404]
    assert len((await client.get("/profiles", headers=bob.headers)).json()) == 1
