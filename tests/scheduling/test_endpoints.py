from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from httpx import AsyncClient

from pinsmith.kit.db import Database
from pinsmith.models import ProfileSchedule
from tests.conftest import Account, Clock, Factory, account

BOARD = "123456789012345678"
IMAGE = "https://images.example.com/summer.jpg"
# The clock fixture's now: Friday 2026-05-01 12:00 UTC, 13:00 in Lisbon (WEST).
LISBON_SCHEDULE = {
    "timezone": "Europe/Lisbon",
    "slots": ["20:15", "09:00", "13:30"],
    "days": ["fri", "mon", "sat"],
    "jitter_minutes": 0,
}


@pytest.fixture
async def alice(factory: Factory, clock: Clock) -> Account:
    return await account(factory, "alice", timezone="America/New_York")


async def create_pin(client: AsyncClient, who: Account, **fields: Any) -> dict[str, Any]:
    body = {"board_id": BOARD, "media_url": IMAGE, "title": "Summer Recipe Ideas"} | fields
    response = await client.post("/pins", json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def put_schedule(client: AsyncClient, who: Account, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.put(
        f"/profiles/{who.profile.id}/schedule", json=body, headers=who.headers
    )
    assert response.status_code == 200, response.text
    schedule: dict[str, Any] = response.json()
    return schedule


async def queue_of(client: AsyncClient, who: Account) -> list[dict[str, Any]]:
    response = await client.get(f"/profiles/{who.profile.id}/queue", headers=who.headers)
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()
    return entries


async def test_a_profile_never_scheduled_has_the_default_schedule(
    client: AsyncClient, alice: Account
) -> None:
    response = await client.get(f"/profiles/{alice.profile.id}/schedule", headers=alice.headers)

    assert response.status_code == 200
    assert response.json() == {
        "profile_id": alice.profile.id,
        "timezone": "America/New_York",
        "timezone_is_default": True,
        "slots": [],
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "jitter_minutes": 0,
        "paused_at": None,
        "pause_reason": None,
    }


async def test_put_replaces_the_schedule_with_slots_and_days_in_order(
    client: AsyncClient, alice: Account
) -> None:
    saved = await put_schedule(client, alice, LISBON_SCHEDULE | {"jitter_minutes": 5})
    read = await client.get(f"/profiles/{alice.profile.id}/schedule", headers=alice.headers)
    replaced = await put_schedule(client, alice, {"slots": ["08:00"]})

    assert saved == read.json()
    assert saved == {
        "profile_id": alice.profile.id,
        "timezone": "Europe/Lisbon",
        "timezone_is_default": False,
        "slots": ["09:00", "13:30", "20:15"],
        "days": ["mon", "fri", "sat"],
        "jitter_minutes": 5,
        "paused_at": None,
        "pause_reason": None,
    }
    assert replaced == {
        "profile_id": alice.profile.id,
        "timezone": "America/New_York",
        "timezone_is_default": True,
        "slots": ["08:00"],
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "jitter_minutes": 0,
        "paused_at": None,
        "pause_reason": None,
    }


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"slots": ["25:00"]}, "slots"),
        ({"slots": ["9:00"]}, "slots"),
        ({"slots": ["09:00", "09:00"]}, "slots"),
        ({"days": ["funday"]}, "days"),
        ({"days": []}, "days"),
        ({"days": ["mon", "mon"]}, "days"),
        ({"timezone": "Mars/Base"}, "timezone"),
        ({"jitter_minutes": 61}, "jitter_minutes"),
        ({"jitter_minutes": -1}, "jitter_minutes"),
        ({"slot": ["09:00"]}, "slot"),
    ],
)
async def test_bad_schedules_are_a_422_naming_the_field_and_change_nothing(
    client: AsyncClient, alice: Account, fields: dict[str, Any], field: str
) -> None:
    response = await client.put(
        f"/profiles/{alice.profile.id}/schedule", json=fields, headers=alice.headers
    )
    after = await client.get(f"/profiles/{alice.profile.id}/schedule", headers=alice.headers)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:2] == ["body", field]
    assert after.json()["slots"] == []


async def test_another_users_profile_is_not_found(
    client: AsyncClient, alice: Account, factory: Factory
) -> None:
    bob = await account(factory, "bob")
    path = f"/profiles/{alice.profile.id}"

    answers = [
        await client.get(f"{path}/schedule", headers=bob.headers),
        await client.put(f"{path}/schedule", json={"slots": ["09:00"]}, headers=bob.headers),
        await client.get(f"{path}/queue", headers=bob.headers),
        await client.get("/profiles/999999/queue", headers=bob.headers),
    ]

    assert [(a.status_code, a.json()) for a in answers] == [
        (404, {"detail": "Profile not found"})
    ] * 4


async def test_queued_pins_take_the_next_free_slots_in_sort_order(
    client: AsyncClient, alice: Account
) -> None:
    await put_schedule(client, alice, LISBON_SCHEDULE)
    first = await create_pin(client, alice, title="first")
    second = await create_pin(client, alice, title="second")
    third = await create_pin(client, alice, title="third")
    # Takes Friday's 20:15 slot (19:15 UTC), so the queue skips it.
    await create_pin(client, alice, title="at a slot", scheduled_at="2026-05-01T19:15:00Z")
    await create_pin(client, alice, title="off slot", scheduled_at="2026-05-01T13:00:00Z")
    await create_pin(client, alice, title="kept back", status="draft")
    reordered = await client.put(
        "/pins/reorder", json={"pin_ids": [third["id"], first["id"]]}, headers=alice.headers
    )
    assert reordered.status_code == 200, reordered.text

    queue = await queue_of(client, alice)

    assert [(entry["title"], entry["expected_at"]) for entry in queue] == [
        ("third", "2026-05-01T12:30:00Z"),  # Friday 13:30 WEST
        ("first", "2026-05-02T08:00:00Z"),  # Saturday 09:00 (Friday 20:15 is taken)
        ("second", "2026-05-02T12:30:00Z"),  # Saturday 13:30
    ]
    assert queue[0] == {
        "pin_id": third["id"],
        "title": "third",
        "board_id": BOARD,
        "sort_order": queue[0]["sort_order"],
        "expected_at": "2026-05-01T12:30:00Z",
    }
    assert [entry["pin_id"] for entry in queue] == [third["id"], first["id"], second["id"]]
    assert [entry["sort_order"] for entry in queue] == sorted(e["sort_order"] for e in queue)


async def test_the_queue_moves_on_with_the_clock(
    client: AsyncClient, alice: Account, clock: Clock
) -> None:
    await put_schedule(client, alice, LISBON_SCHEDULE)
    await create_pin(client, alice)

    clock.advance(minutes=31)  # Friday 13:31 in Lisbon: the 13:30 slot has gone

    assert [entry["expected_at"] for entry in await queue_of(client, alice)] == [
        "2026-05-01T19:15:00Z"
    ]


async def test_the_users_time_zone_is_used_when_the_profile_has_none(
    client: AsyncClient, alice: Account
) -> None:
    await put_schedule(client, alice, {"slots": ["09:00"]})
    await create_pin(client, alice)

    queue = await queue_of(client, alice)

    # 09:00 EDT, an hour from now
    assert [entry["expected_at"] for entry in queue] == ["2026-05-01T13:00:00Z"]


async def test_jittered_slots_stay_within_bounds_and_the_view_is_stable(
    client: AsyncClient, alice: Account
) -> None:
    await put_schedule(client, alice, {"timezone": "UTC", "slots": ["18:00"], "jitter_minutes": 5})
    for _ in range(3):
        await create_pin(client, alice)

    queue = await queue_of(client, alice)

    assert queue == await queue_of(client, alice)
    for day, entry in zip((1, 2, 3), queue, strict=True):
        expected_at = datetime.fromisoformat(entry["expected_at"])
        assert abs(expected_at - datetime(2026, 5, day, 18, tzinfo=UTC)) <= timedelta(minutes=5)


async def test_without_slots_queued_pins_are_expected_now(
    client: AsyncClient, alice: Account
) -> None:
    await create_pin(client, alice)
    await create_pin(client, alice)

    queue = await queue_of(client, alice)

    assert [entry["expected_at"] for entry in queue] == ["2026-05-01T12:00:00Z"] * 2


async def test_a_queue_is_per_profile(
    client: AsyncClient, alice: Account, factory: Factory
) -> None:
    shop = await factory.profile(alice.user, pinterest_user_id="777", username="alice_shop")
    await create_pin(client, alice)
    await create_pin(client, alice, profile_id=shop.id)

    mine = await queue_of(client, alice)
    shops = await client.get(f"/profiles/{shop.id}/queue", headers=alice.headers)

    assert len(mine) == 1
    assert len(shops.json()) == 1
    assert mine[0]["pin_id"] != shops.json()[0]["pin_id"]


async def test_a_schedule_goes_with_its_profile(
    client: AsyncClient, alice: Account, database: Database
) -> None:
    await put_schedule(client, alice, LISBON_SCHEDULE)

    deleted = await client.delete(f"/profiles/{alice.profile.id}", headers=alice.headers)
    async with database.transaction(write=False) as session:
        row = await session.get(ProfileSchedule, alice.profile.id)

    assert deleted.status_code == 204
    assert row is None
