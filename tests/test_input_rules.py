"""What every input shares, so SQLite and PostgreSQL answer alike and neither answers 500.

- Ids: a number no row can have is a 422 naming it. Row ids are INTEGER columns (32-bit on
  PostgreSQL); before ``RowId``, ``GET /pins/10**25`` reached SQLite as an int it cannot hold.
- Text: U+0000 is a 422 naming the field. PostgreSQL cannot store it; before, a pin titled
  ``"a\x00b"`` was a 500 there (and saved on SQLite).
"""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from httpx import AsyncClient

from pinsmith.kit.schemas import MAX_ROW_ID
from tests.conftest import Account, Factory, account

TOO_LARGE = (MAX_ROW_ID + 1, 10**25)


@pytest.fixture
async def alice(factory: Factory) -> Account:
    return await account(factory)


def _id_operations(spec: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """Every (method, path, integer path parameters) of the API."""
    found = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            names = [
                parameter["name"]
                for parameter in operation.get("parameters", [])
                if parameter["in"] == "path" and parameter["schema"].get("type") == "integer"
            ]
            if names:
                found.append((method.upper(), path, names))
    return found


def _locations(response: Any) -> list[list[Any]]:
    return [list(error["loc"]) for error in response.json()["detail"]]


async def test_every_integer_path_id_beyond_the_column_range_is_a_422(
    client: AsyncClient, alice: Account
) -> None:
    operations = _id_operations((await client.get("/openapi.json")).json())
    assert len(operations) >= 20  # pins, collections, keys, webhooks, profiles, schedules

    for method, path, names in operations:
        for value in TOO_LARGE:
            url = re.sub(r"\{\w+\}", str(value), path)
            response = await client.request(method, url, headers=alice.headers, json={})

            assert response.status_code == 422, (method, url, response.text)
            assert ["path", names[0]] in _locations(response), (method, url)


async def test_the_largest_id_is_still_looked_up(client: AsyncClient, alice: Account) -> None:
    response = await client.get(f"/pins/{MAX_ROW_ID}", headers=alice.headers)

    assert response.status_code == 404
    assert response.json()["detail"] == "Pin not found"


@pytest.mark.parametrize(
    ("method", "url", "body", "location"),
    [
        ("GET", f"/pins?collection_id={10**25}", None, ["query", "collection_id"]),
        ("GET", f"/boards?profile_id={MAX_ROW_ID + 1}", None, ["query", "profile_id"]),
        ("DELETE", "/pins/bulk", {"pin_ids": [1, 10**25]}, ["body", "pin_ids", 1]),
        ("PUT", "/pins/reorder", {"pin_ids": [MAX_ROW_ID + 1]}, ["body", "pin_ids", 0]),
        ("POST", "/pins", {"media_url": "https://x.test/a.jpg", "profile_id": 10**25}, None),
        ("POST", "/boards/suggest", {"title": "Soup", "profile_id": 10**25}, None),
        (
            "POST",
            "/webhooks",
            {"url": "https://x.test", "event": "pin.created", "profile_id": 10**25},
            None,
        ),
    ],
)
async def test_ids_in_queries_and_bodies_beyond_the_range_are_a_422(
    client: AsyncClient,
    alice: Account,
    method: str,
    url: str,
    body: dict[str, Any] | None,
    location: list[Any] | None,
) -> None:
    response = await client.request(method, url, headers=alice.headers, json=body)

    assert response.status_code == 422, response.text
    assert (location or ["body", "profile_id"]) in _locations(response)


async def test_a_collection_pin_id_beyond_the_range_is_a_422(
    client: AsyncClient, alice: Account
) -> None:
    created = await client.post("/collections", headers=alice.headers, json={"name": "Later"})
    collection_id = created.json()["id"]

    response = await client.post(
        f"/collections/{collection_id}/pins", headers=alice.headers, json={"pin_id": 10**25}
    )

    assert response.status_code == 422
    assert ["body", "pin_id"] in _locations(response)


async def test_a_forged_cursor_beyond_the_range_is_a_400(
    client: AsyncClient, alice: Account
) -> None:
    forged = base64.urlsafe_b64encode(f"after:{10**25}".encode()).decode().rstrip("=")

    response = await client.get(f"/pins?limit=5&cursor={forged}", headers=alice.headers)

    assert response.status_code == 400
    assert "Invalid cursor" in response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        (
            "POST",
            "/pins",
            {"board_id": "1", "media_url": "https://x.test/a.jpg", "title": "a\x00b"},
            "title",
        ),
        (
            "POST",
            "/pins",
            {"board_id": "1", "media_url": "https://x.test/a.jpg", "alt_text": "\x00"},
            "alt_text",
        ),
        ("POST", "/collections", {"name": "Later\x00"}, "name"),
        ("POST", "/api-keys", {"name": "\x00ci"}, "name"),
        ("POST", "/boards/suggest", {"title": "Soup", "description": "hot\x00"}, "description"),
    ],
)
async def test_text_holding_nul_is_a_422_naming_the_field_and_nothing_is_saved(
    client: AsyncClient,
    alice: Account,
    method: str,
    url: str,
    body: dict[str, Any],
    field: str,
) -> None:
    response = await client.request(method, url, headers=alice.headers, json=body)

    assert response.status_code == 422, response.text
    assert ["body", field] in _locations(response)
    assert "NUL" in response.json()["detail"][0]["msg"]
    assert (await client.get("/pins", headers=alice.headers)).json() == []
    assert (await client.get("/collections", headers=alice.headers)).json() == []


async def test_a_pin_update_holding_nul_changes_nothing(
    client: AsyncClient, alice: Account
) -> None:
    created = await client.post(
        "/pins",
        headers=alice.headers,
        json={"board_id": "1", "media_url": "https://x.test/a.jpg", "description": "Warm"},
    )
    pin_url = f"/pins/{created.json()['id']}"

    response = await client.put(pin_url, headers=alice.headers, json={"description": "Co\x00ld"})

    assert response.status_code == 422
    assert ["body", "description"] in _locations(response)
    assert (await client.get(pin_url, headers=alice.headers)).json()["description"] == "Warm"


@pytest.mark.parametrize(
    ("query", "location"),
    [("title=a%00b", ["query", "title"]), ("board_id=abc", ["query", "board_id"])],
)
async def test_listing_filters_are_checked(
    client: AsyncClient, alice: Account, query: str, location: list[str]
) -> None:
    response = await client.get(f"/pins?{query}", headers=alice.headers)

    assert response.status_code == 422
    assert location in _locations(response)


@pytest.mark.parametrize(
    ("body", "location", "echoed"),
    [
        (
            b'{"board_id": "1", "media_url": "https://x.test/a.jpg", "title": "\\ud800"}',
            ["body", "title"],
            "\\ud800",
        ),
        (b'{"board_id": 1e999, "media_url": "https://x.test/a.jpg"}', ["body", "board_id"], "inf"),
    ],
)
async def test_an_input_json_cannot_echo_back_is_still_a_422(
    client: AsyncClient, alice: Account, body: bytes, location: list[str], echoed: str
) -> None:
    """A lone surrogate or an infinite number: the default 422 failed to encode them (500)."""
    response = await client.post(
        "/pins", content=body, headers=alice.headers | {"Content-Type": "application/json"}
    )

    assert response.status_code == 422
    assert location in _locations(response)
    assert response.json()["detail"][0]["input"] == echoed


@pytest.mark.parametrize(
    "when", ["9999-12-31T23:59:59-12:00", "9999-12-31T23:59:59Z", "9999-06-01T00:00:00"]
)
async def test_an_instant_past_the_year_9998_is_a_422(
    client: AsyncClient, alice: Account, when: str
) -> None:
    """-12:00 on the last day of 9999 overflowed while being converted to UTC (a 500)."""
    body = {"board_id": "1", "media_url": "https://x.test/a.jpg", "scheduled_at": when}

    created = await client.post("/pins", headers=alice.headers, json=body)
    bulk = await client.put(
        "/pins/bulk/schedule", headers=alice.headers, json={"pin_ids": [1], "scheduled_at": when}
    )

    for response in (created, bulk):
        assert response.status_code == 422
        assert ["body", "scheduled_at"] in _locations(response)
        assert "before the year 9999" in response.json()["detail"][0]["msg"]


async def test_the_last_day_of_9998_can_still_be_scheduled(
    client: AsyncClient, alice: Account
) -> None:
    body = {"board_id": "1", "media_url": "https://x.test/a.jpg"}

    response = await client.post(
        "/pins", headers=alice.headers, json=body | {"scheduled_at": "9998-12-31T23:59:59Z"}
    )

    assert response.status_code == 201
    assert response.json()["scheduled_at"] == "9998-12-31T23:59:59Z"


@pytest.mark.parametrize(
    ("field", "value"),
    [("board_id", "\u0661\u0662\u0663"), ("board_section_id", "\uff11\uff12")],
)
async def test_pinterest_ids_are_ascii_digits(
    client: AsyncClient, alice: Account, field: str, value: str
) -> None:
    """Other scripts' digits match a Unicode ``\\d``; Pinterest would refuse them later."""
    body = {"board_id": "1", "media_url": "https://x.test/a.jpg"} | {field: value}

    response = await client.post("/pins", headers=alice.headers, json=body)

    assert response.status_code == 422
    assert ["body", field] in _locations(response)
