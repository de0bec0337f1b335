from __future__ import annotations

import asyncio
from typing import Any

import pytest
from httpx import AsyncClient

from tests.conftest import Account, Clock, Factory, account


@pytest.fixture
async def alice(factory: Factory, clock: Clock) -> Account:
    return await account(factory, "alice")


@pytest.fixture
async def bob(factory: Factory, clock: Clock) -> Account:
    return await account(factory, "bob")


async def new_pin(client: AsyncClient, who: Account) -> int:
    body = {"board_id": "1", "media_url": "https://img.example.com/a.jpg"}
    response = await client.post("/pins", json=body, headers=who.headers)
    pin_id: int = response.json()["id"]
    return pin_id


async def new_collection(client: AsyncClient, who: Account, name: str = "Summer") -> dict[str, Any]:
    response = await client.post("/collections", json={"name": name}, headers=who.headers)
    assert response.status_code == 201
    created: dict[str, Any] = response.json()
    return created


async def test_a_collection_groups_pins_and_counts_them(
    client: AsyncClient, alice: Account
) -> None:
    collection = await new_collection(client, alice, "Summer Campaign")
    first, second = await new_pin(client, alice), await new_pin(client, alice)

    for pin_id in (first, second, first):  # adding twice is harmless
        added = await client.post(
            f"/collections/{collection['id']}/pins", json={"pin_id": pin_id}, headers=alice.headers
        )
        assert added.status_code == 204
    detail = (await client.get(f"/collections/{collection['id']}", headers=alice.headers)).json()
    listed = (await client.get("/collections", headers=alice.headers)).json()
    in_pins = await client.get(f"/pins?collection_id={collection['id']}", headers=alice.headers)

    assert collection["pin_count"] == 0
    assert detail["pin_ids"] == [first, second]
    assert detail["pin_count"] == 2
    assert [(c["name"], c["pin_count"]) for c in listed] == [("Summer Campaign", 2)]
    assert "pin_ids" not in listed[0]
    assert [pin["id"] for pin in in_pins.json()] == [first, second]


async def test_rename_remove_a_pin_and_delete_keeps_the_pins(
    client: AsyncClient, alice: Account
) -> None:
    collection = await new_collection(client, alice)
    pin_id = await new_pin(client, alice)
    await client.post(
        f"/collections/{collection['id']}/pins", json={"pin_id": pin_id}, headers=alice.headers
    )

    renamed = await client.put(
        f"/collections/{collection['id']}", json={"name": "Autumn"}, headers=alice.headers
    )
    removed = await client.delete(
        f"/collections/{collection['id']}/pins/{pin_id}", headers=alice.headers
    )
    emptied = (await client.get(f"/collections/{collection['id']}", headers=alice.headers)).json()
    deleted = await client.delete(f"/collections/{collection['id']}", headers=alice.headers)

    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Autumn"
    assert removed.status_code == 204
    assert emptied["pin_ids"] == []
    assert deleted.status_code == 204
    assert (await client.get(f"/pins/{pin_id}", headers=alice.headers)).status_code == 200
    assert (
        await client.get(f"/collections/{collection['id']}", headers=alice.headers)
    ).status_code == 404


async def test_deleting_a_pin_takes_it_out_of_its_collections(
    client: AsyncClient, alice: Account
) -> None:
    collection = await new_collection(client, alice)
    pin_id = await new_pin(client, alice)
    await client.post(
        f"/collections/{collection['id']}/pins", json={"pin_id": pin_id}, headers=alice.headers
    )

    await client.delete(f"/pins/{pin_id}", headers=alice.headers)

    detail = (await client.get(f"/collections/{collection['id']}", headers=alice.headers)).json()
    assert detail["pin_ids"] == []


@pytest.mark.parametrize("body", [{"name": ""}, {"name": "x" * 129}, {}, {"name": "ok", "x": 1}])
async def test_bad_names_are_a_422(
    client: AsyncClient, alice: Account, body: dict[str, Any]
) -> None:
    response = await client.post("/collections", json=body, headers=alice.headers)

    assert response.status_code == 422


async def test_another_users_collections_and_pins_are_404(
    client: AsyncClient, alice: Account, bob: Account
) -> None:
    bobs_collection = await new_collection(client, bob, "Bob's")
    bobs_pin = await new_pin(client, bob)
    alices_collection = await new_collection(client, alice)

    answers = [
        await client.get(f"/collections/{bobs_collection['id']}", headers=alice.headers),
        await client.put(
            f"/collections/{bobs_collection['id']}", json={"name": "x"}, headers=alice.headers
        ),
        await client.delete(f"/collections/{bobs_collection['id']}", headers=alice.headers),
        await client.post(
            f"/collections/{bobs_collection['id']}/pins",
            json={"pin_id": bobs_pin},
            headers=alice.headers,
        ),
        await client.post(
            f"/collections/{alices_collection['id']}/pins",
            json={"pin_id": bobs_pin},
            headers=alice.headers,
        ),
        await client.get(f"/pins?collection_id={bobs_collection['id']}", headers=alice.headers),
    ]

    assert [answer.status_code for answer in answers] == [404] * 6
    assert (await client.get("/collections", headers=alice.headers)).json()[0]["pin_count"] == 0
    bobs = (await client.get(f"/collections/{bobs_collection['id']}", headers=bob.headers)).json()
    assert bobs["name"] == "Bob's"


async def test_adding_the_same_pin_at_once_from_several_requests_stays_idempotent(
    client: AsyncClient, alice: Account
) -> None:
    pin_id = await new_pin(client, alice)
    collection = await new_collection(client, alice)
    url = f"/collections/{collection['id']}/pins"

    answers = await asyncio.gather(
        *(client.post(url, json={"pin_id": pin_id}, headers=alice.headers) for _ in range(6))
    )

    assert [answer.status_code for answer in answers] == [204] * 6
    detail = await client.get(f"/collections/{collection['id']}", headers=alice.headers)
    assert detail.json()["pin_ids"] == [pin_id]
