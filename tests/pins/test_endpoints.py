from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from httpx import AsyncClient, Response
from sqlalchemy import select, update

from pinsmith.kit.db import Database
from pinsmith.models import Event, Pin, PinStatus
from pinsmith.pins import service as pins_service
from tests.conftest import Account, Clock, Factory, account, bearer

BOARD = "123456789012345678"
IMAGE = "https://images.example.com/summer.jpg"
TOMORROW = "2026-05-02T19:00:00Z"  # the clock fixture's now is 2026-05-01 12:00 UTC


def pin_body(**fields: Any) -> dict[str, Any]:
    return {"board_id": BOARD, "media_url": IMAGE, "title": "Summer Recipe Ideas"} | fields


async def create(client: AsyncClient, who: Account, **fields: Any) -> dict[str, Any]:
    response = await client.post("/pins", json=pin_body(**fields), headers=who.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def set_status(database: Database, pin_id: int, status: PinStatus, **fields: Any) -> None:
    """What the publisher would do: move a pin outside the statuses a person may set."""
    async with database.transaction() as session:
        await session.execute(update(Pin).where(Pin.id == pin_id).values(status=status, **fields))


async def events_of(database: Database, pin_id: int) -> list[tuple[str, dict[str, Any]]]:
    async with database.transaction(write=False) as session:
        rows = await session.execute(select(Event).where(Event.pin_id == pin_id).order_by(Event.id))
        return [(event.type, event.data) for event in rows.scalars()]


def loc(response: Response) -> list[Any]:
    detail = response.json()["detail"]
    assert isinstance(detail, list), detail
    return list(detail[0]["loc"])


@pytest.fixture
async def alice(factory: Factory, clock: Clock) -> Account:
    return await account(factory, "alice", plan="growth")


@pytest.fixture
async def bob(factory: Factory, clock: Clock) -> Account:
    return await account(factory, "bob", plan="growth")


# --- create ---------------------------------------------------------------------------------


async def test_a_pin_without_status_is_queued_on_the_selected_profile(
    client: AsyncClient, alice: Account
) -> None:
    pin = await create(client, alice, description="Quick meals", link="https://blog.example/x")

    assert pin["status"] == "queued"
    assert pin["scheduled_at"] is None
    assert pin["profile_id"] == alice.profile.id
    assert pin["pinterest_user_id"] == alice.profile.pinterest_user_id
    assert pin["pinterest_username"] == alice.profile.username
    assert pin["user_id"] == alice.user.id
    assert (pin["board_id"], pin["title"], pin["retry_count"]) == (BOARD, "Summer Recipe Ideas", 0)
    assert pin["created_at"] == "2026-05-01T12:00:00Z"


async def test_scheduled_at_schedules_and_a_time_without_offset_is_utc(
    client: AsyncClient, alice: Account, database: Database
) -> None:
    pin = await create(client, alice, scheduled_at="2026-05-02T19:00:00")

    assert pin["status"] == "scheduled"
    assert pin["scheduled_at"] == TOMORROW
    assert [kind for kind, _ in await events_of(database, pin["id"])] == [
        "pin.created",
        "pin.scheduled",
    ]


async def test_an_offset_is_converted_to_utc(client: AsyncClient, alice: Account) -> None:
    pin = await create(client, alice, scheduled_at="2026-05-02T21:00:00+02:00")

    assert pin["scheduled_at"] == TOMORROW


async def test_draft_keeps_a_pin_back(client: AsyncClient, alice: Account) -> None:
    pin = await create(client, alice, status="draft")

    assert pin["status"] == "draft"


async def test_new_pins_join_the_end_of_the_queue(client: AsyncClient, alice: Account) -> None:
    first = await create(client, alice)
    second = await create(client, alice)

    assert second["sort_order"] == first["sort_order"] + 1


async def test_a_past_scheduled_at_is_a_400(client: AsyncClient, alice: Account) -> None:
    response = await client.post(
        "/pins", json=pin_body(scheduled_at="2026-04-30T12:00:00Z"), headers=alice.headers
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "scheduled_at must be in the future"}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"status": "sometime"}, "status"),
        ({"status": "published"}, "status"),
        ({"board_id": "12ab34"}, "board_id"),
        ({"board_section_id": "x1"}, "board_section_id"),
        ({"title": "t" * 101}, "title"),
        ({"description": "d" * 801}, "description"),
        ({"alt_text": "a" * 501}, "alt_text"),
        ({"link": "ftp://files.example.com/x"}, "link"),
        ({"link": "https://example.com/" + "x" * 2040}, "link"),
        ({"link": "not a url"}, "link"),
        ({"media_url": "file:///etc/passwd"}, "media_url"),
        ({"media_url": "/media/uploads/not-yours.jpg"}, "media_url"),
        ({"scheduled_at": "next tuesday"}, "scheduled_at"),
        ({"schedule_at": TOMORROW}, "schedule_at"),
        ({"board_id": None}, "board_id"),
    ],
)
async def test_bad_fields_are_a_422_naming_the_field_and_nothing_is_created(
    client: AsyncClient, alice: Account, fields: dict[str, Any], field: str
) -> None:
    response = await client.post("/pins", json=pin_body(**fields), headers=alice.headers)

    assert response.status_code == 422
    assert loc(response)[-1] == field
    assert (await client.get("/pins", headers=alice.headers)).json() == []


async def test_limits_are_pinterests_own(client: AsyncClient, alice: Account) -> None:
    pin = await create(client, alice, title="t" * 100, description="d" * 800, alt_text="a" * 500)

    assert len(pin["title"]) == 100


async def test_a_user_without_a_profile_is_told_to_connect_one(
    client: AsyncClient, factory: Factory, clock: Clock
) -> None:
    _, secret = await factory.user_with_key("nobody", plan="growth")

    response = await client.post("/pins", json=pin_body(), headers=bearer(secret))

    assert response.status_code == 409
    assert response.json() == {"detail": "Connect a Pinterest account first"}


async def test_a_pin_can_name_another_of_the_users_profiles(
    client: AsyncClient, alice: Account, factory: Factory
) -> None:
    other = await factory.profile(alice.user, pinterest_user_id="999", username="alice_shop")

    pin = await create(client, alice, profile_id=other.id)

    assert (pin["profile_id"], pin["pinterest_username"]) == (other.id, "alice_shop")


async def test_another_users_profile_is_a_404(
    client: AsyncClient, alice: Account, bob: Account
) -> None:
    response = await client.post(
        "/pins", json=pin_body(profile_id=bob.profile.id), headers=alice.headers
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "Profile not found"}


# --- read, update, delete -------------------------------------------------------------------


async def test_get_update_and_delete_a_pin(client: AsyncClient, alice: Account) -> None:
    pin = await create(client, alice)

    fetched = await client.get(f"/pins/{pin['id']}", headers=alice.headers)
    updated = await client.put(
        f"/pins/{pin['id']}", json={"title": "Updated Title"}, headers=alice.headers
    )
    deleted = await client.delete(f"/pins/{pin['id']}", headers=alice.headers)
    gone = await client.get(f"/pins/{pin['id']}", headers=alice.headers)

    assert fetched.json() == pin
    assert updated.status_code == 200
    assert updated.json()["title"] == "Updated Title"
    assert updated.json()["status"] == "queued"
    assert deleted.status_code == 204
    assert gone.status_code == 404


async def test_updating_scheduled_at_schedules_and_clearing_it_queues(
    client: AsyncClient, alice: Account, database: Database
) -> None:
    pin = await create(client, alice)

    scheduled = await client.put(
        f"/pins/{pin['id']}", json={"scheduled_at": TOMORROW}, headers=alice.headers
    )
    queued = await client.put(
        f"/pins/{pin['id']}", json={"scheduled_at": None}, headers=alice.headers
    )

    assert (scheduled.json()["status"], scheduled.json()["scheduled_at"]) == ("scheduled", TOMORROW)
    assert (queued.json()["status"], queued.json()["scheduled_at"]) == ("queued", None)
    changes = [
        (kind, data.get("previous_status"), data["status"])
        for kind, data in await events_of(database, pin["id"])
    ]
    assert changes == [
        ("pin.created", None, "queued"),
        ("pin.status_changed", "queued", "scheduled"),
        ("pin.scheduled", None, "scheduled"),
        ("pin.status_changed", "scheduled", "queued"),
    ]


async def test_an_update_can_clear_optional_fields_but_not_required_ones(
    client: AsyncClient, alice: Account
) -> None:
    pin = await create(client, alice, description="x")

    cleared = await client.put(
        f"/pins/{pin['id']}", json={"description": None}, headers=alice.headers
    )
    refused = await client.put(f"/pins/{pin['id']}", json={"board_id": None}, headers=alice.headers)

    assert cleared.json()["description"] is None
    assert refused.status_code == 422
    assert loc(refused) == ["body", "board_id"]


async def test_scheduling_a_draft_without_a_time_is_a_400(
    client: AsyncClient, alice: Account
) -> None:
    pin = await create(client, alice, status="draft")

    response = await client.put(
        f"/pins/{pin['id']}", json={"status": "scheduled"}, headers=alice.headers
    )

    assert response.status_code == 400
    assert "scheduled_at is required" in response.json()["detail"]


async def test_a_failed_pin_sent_back_to_the_queue_starts_afresh(
    client: AsyncClient, alice: Account, database: Database
) -> None:
    pin = await create(client, alice)
    await set_status(
        database, pin["id"], PinStatus.FAILED, retry_count=3, error_message="Board not found"
    )

    response = await client.put(
        f"/pins/{pin['id']}", json={"status": "queued"}, headers=alice.headers
    )

    body = response.json()
    assert (body["status"], body["retry_count"], body["error_message"]) == ("queued", 0, None)


@pytest.mark.parametrize("status", [PinStatus.PUBLISHING, PinStatus.PUBLISHED])
async def test_publishing_and_published_pins_cannot_be_updated_or_deleted(
    client: AsyncClient, alice: Account, database: Database, status: PinStatus
) -> None:
    pin = await create(client, alice)
    await set_status(database, pin["id"], status)

    updated = await client.put(f"/pins/{pin['id']}", json={"title": "x"}, headers=alice.headers)
    deleted = await client.delete(f"/pins/{pin['id']}", headers=alice.headers)

    assert updated.status_code == 409
    assert deleted.status_code == 409
    still = (await client.get(f"/pins/{pin['id']}", headers=alice.headers)).json()
    assert (still["status"], still["title"]) == (status.value, "Summer Recipe Ideas")


@pytest.mark.parametrize(
    ("method", "body"),
    [("PUT", {"title": "x"}), ("PUT", {"status": "draft"}), ("DELETE", None)],
)
async def test_a_change_racing_the_publisher_sees_the_pin_it_claimed(
    client: AsyncClient, alice: Account, database: Database, method: str, body: Any
) -> None:
    """The publisher claims the pin (FOR UPDATE) while the request is on its way: the request
    must wait for the claim and refuse, not change a pin that is being published (which could
    send it to Pinterest twice once it is queued again)."""
    pin = await create(client, alice)
    url = f"/pins/{pin['id']}"

    async with database.transaction() as claim:
        claimed = await claim.get(Pin, pin["id"], with_for_update=True)
        assert claimed is not None
        claimed.status = PinStatus.PUBLISHING
        await claim.flush()
        change = asyncio.create_task(client.request(method, url, json=body, headers=alice.headers))
        await asyncio.sleep(0.3)  # the request reads the pin while the claim is uncommitted
        assert not change.done()

    answer = await change
    assert answer.status_code == 409, answer.text
    still = (await client.get(url, headers=alice.headers)).json()
    assert (still["status"], still["title"]) == ("publishing", "Summer Recipe Ideas")


async def test_a_bulk_status_change_racing_the_publisher_skips_the_pin_it_claimed(
    client: AsyncClient, alice: Account, database: Database
) -> None:
    pin = await create(client, alice)
    body = {"pin_ids": [pin["id"]], "status": "draft"}

    async with database.transaction() as claim:
        claimed = await claim.get(Pin, pin["id"], with_for_update=True)
        assert claimed is not None
        claimed.status = PinStatus.PUBLISHING
        await claim.flush()
        change = asyncio.create_task(
            client.put("/pins/bulk/status", json=body, headers=alice.headers)
        )
        await asyncio.sleep(0.3)

    answer = await change
    assert answer.json() == {"updated": 0}
    still = (await client.get(f"/pins/{pin['id']}", headers=alice.headers)).json()
    assert still["status"] == "publishing"


async def test_another_users_pin_is_a_404_and_stays_untouched(
    client: AsyncClient, alice: Account, bob: Account
) -> None:
    pin = await create(client, bob)

    answers = [
        await client.get(f"/pins/{pin['id']}", headers=alice.headers),
        await client.put(f"/pins/{pin['id']}", json={"title": "mine"}, headers=alice.headers),
        await client.delete(f"/pins/{pin['id']}", headers=alice.headers),
    ]

    assert [answer.status_code for answer in answers] == [404, 404, 404]
    assert (await client.get(f"/pins/{pin['id']}", headers=bob.headers)).json() == pin


# --- listing --------------------------------------------------------------------------------


async def test_filters_by_status_title_and_board(
    client: AsyncClient, alice: Account, bob: Account
) -> None:
    summer = await create(client, alice, title="Summer Salad")
    draft = await create(client, alice, title="Winter Soup", status="draft")
    other_board = await create(client, alice, title="100% summer", board_id="42")
    await create(client, bob, title="Summer for Bob")

    async def ids(query: str) -> list[int]:
        response = await client.get(f"/pins{query}", headers=alice.headers)
        return [pin["id"] for pin in response.json()]

    assert await ids("") == [summer["id"], draft["id"], other_board["id"]]
    assert await ids("?status=draft") == [draft["id"]]
    assert await ids("?title=SUMMER") == [summer["id"], other_board["id"]]
    assert await ids("?title=100%25") == [other_board["id"]]
    assert await ids("?title=1_0") == []
    assert await ids("?board_id=42") == [other_board["id"]]
    assert (await client.get("/pins?status=unknown", headers=alice.headers)).status_code == 422


async def test_pages_follow_the_link_header(client: AsyncClient, alice: Account) -> None:
    created = [(await create(client, alice))["id"] for _ in range(5)]

    seen: list[int] = []
    url: str | None = "/pins?limit=2&status=queued"
    while url is not None:
        response = await client.get(url, headers=alice.headers)
        assert len(response.json()) <= 2
        seen += [pin["id"] for pin in response.json()]
        link = response.headers.get("link")
        url = link[1 : link.index(">")] if link else None

    assert seen == created


async def test_without_a_limit_every_match_comes_back_up_to_the_cap(
    client: AsyncClient, alice: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = [(await create(client, alice))["id"] for _ in range(3)]
    everything = await client.get("/pins", headers=alice.headers)
    monkeypatch.setattr(pins_service, "MAX_UNPAGED", 2)

    capped = await client.get("/pins", headers=alice.headers)

    assert [pin["id"] for pin in everything.json()] == created
    assert "link" not in everything.headers
    assert [pin["id"] for pin in capped.json()] == created[:2]
    assert 'rel="next"' in capped.headers["link"]


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "cursor=garbage!", "cursor=YWZ0ZXI6eA"])
async def test_bad_paging_is_refused(client: AsyncClient, alice: Account, query: str) -> None:
    response = await client.get(f"/pins?{query}", headers=alice.headers)

    assert response.status_code in (400, 422)
    assert "detail" in response.json()


async def test_listed_pins_are_exactly_the_pins_fetched_one_by_one(
    client: AsyncClient, alice: Account, database: Database, clock: Clock
) -> None:
    clock.advance(microseconds=123_456)  # fractional seconds must survive both encoders
    queued = await create(client, alice, description="Café ☕", link="https://blog.example/é")
    scheduled = await create(client, alice, scheduled_at="2026-05-20T08:15:30.5Z")
    await set_status(
        database,
        queued["id"],
        PinStatus.PUBLISHED,
        published_at=datetime(2026, 5, 1, 12, 30, 1, 7, tzinfo=UTC),
        pinterest_pin_id="987654321",
    )

    listed = (await client.get("/pins", headers=alice.headers)).json()
    on_calendar = (
        await client.get("/pins/calendar?year=2026&month=5", headers=alice.headers)
    ).json()
    one_by_one = [
        (await client.get(f"/pins/{pin_id}", headers=alice.headers)).json()
        for pin_id in (queued["id"], scheduled["id"])
    ]

    assert listed == one_by_one
    assert on_calendar == one_by_one
    assert one_by_one[0]["published_at"] == "2026-05-01T12:30:01.000007Z"
    assert one_by_one[1]["scheduled_at"] == "2026-05-20T08:15:30.500000Z"


# --- bulk -----------------------------------------------------------------------------------


async def test_bulk_creates_every_pin(client: AsyncClient, alice: Account) -> None:
    body = [pin_body(title=f"Pin {n}") for n in range(3)] + [pin_body(scheduled_at=TOMORROW)]

    response = await client.post("/pins/bulk", json=body, headers=alice.headers)

    assert response.status_code == 201
    created = response.json()
    assert [pin["title"] for pin in created[:3]] == ["Pin 0", "Pin 1", "Pin 2"]
    assert created[3]["status"] == "scheduled"
    assert all(pin["pinterest_username"] == alice.profile.username for pin in created)


async def test_bulk_needs_the_growth_plan(client: AsyncClient, factory: Factory) -> None:
    starter = await account(factory, "sam", plan="starter")

    response = await client.post("/pins/bulk", json=[pin_body()], headers=starter.headers)

    assert response.status_code == 403
    assert "Growth plan" in response.json()["detail"]


async def test_one_invalid_item_refuses_the_whole_batch_naming_its_index(
    client: AsyncClient, alice: Account
) -> None:
    body = [pin_body(), pin_body(board_id="abc"), pin_body()]

    response = await client.post("/pins/bulk", json=body, headers=alice.headers)

    assert response.status_code == 422
    assert loc(response) == ["body", 1, "board_id"]
    assert (await client.get("/pins", headers=alice.headers)).json() == []


async def test_a_rule_broken_by_one_item_names_it_and_creates_nothing(
    client: AsyncClient, alice: Account
) -> None:
    past = pin_body(scheduled_at="2020-01-01T00:00:00Z")
    foreign = pin_body(media_url="/media/uploads/someone-elses.png")

    by_rule = await client.post("/pins/bulk", json=[pin_body(), past], headers=alice.headers)
    by_upload = await client.post("/pins/bulk", json=[foreign], headers=alice.headers)

    assert by_rule.status_code == 400
    assert by_rule.json() == {"detail": "Item 1: scheduled_at must be in the future"}
    assert by_upload.status_code == 422
    assert loc(by_upload) == ["body", 0, "media_url"]
    assert (await client.get("/pins", headers=alice.headers)).json() == []


async def test_an_empty_bulk_is_a_422(client: AsyncClient, alice: Account) -> None:
    response = await client.post("/pins/bulk", json=[], headers=alice.headers)

    assert response.status_code == 422


async def test_bulk_delete_skips_publishing_published_and_others_pins(
    client: AsyncClient, alice: Account, bob: Account, database: Database
) -> None:
    queued, publishing, published = [(await create(client, alice))["id"] for _ in range(3)]
    await set_status(database, publishing, PinStatus.PUBLISHING)
    await set_status(database, published, PinStatus.PUBLISHED)
    bobs = (await create(client, bob))["id"]

    response = await client.request(
        "DELETE",
        "/pins/bulk",
        json={"pin_ids": [queued, publishing, published, bobs, 999_999]},
        headers=alice.headers,
    )

    assert response.status_code == 204
    remaining = [pin["id"] for pin in (await client.get("/pins", headers=alice.headers)).json()]
    assert remaining == [publishing, published]
    assert (await client.get(f"/pins/{bobs}", headers=bob.headers)).status_code == 200


async def test_bulk_status_moves_what_may_move(
    client: AsyncClient, alice: Account, database: Database
) -> None:
    queued = (await create(client, alice))["id"]
    scheduled = (await create(client, alice, scheduled_at=TOMORROW))["id"]
    published = (await create(client, alice))["id"]
    await set_status(database, published, PinStatus.PUBLISHED)

    to_draft = await client.put(
        "/pins/bulk/status",
        json={"pin_ids": [queued, scheduled, published], "status": "draft"},
        headers=alice.headers,
    )
    to_scheduled = await client.put(
        "/pins/bulk/status",
        json={"pin_ids": [queued, scheduled], "status": "scheduled"},
        headers=alice.headers,
    )
    to_published = await client.put(
        "/pins/bulk/status",
        json={"pin_ids": [queued], "status": "published"},
        headers=alice.headers,
    )

    assert to_draft.json() == {"updated": 2}
    # only the pin that still has a future scheduled_at can be scheduled again
    assert to_scheduled.json() == {"updated": 1}
    assert to_published.status_code == 422
    statuses = {
        pin["id"]: pin["status"]
        for pin in (await client.get("/pins", headers=alice.headers)).json()
    }
    assert statuses == {queued: "draft", scheduled: "scheduled", published: "published"}


async def test_bulk_schedule_sets_one_time_for_many(client: AsyncClient, alice: Account) -> None:
    ids = [(await create(client, alice))["id"] for _ in range(3)]

    response = await client.put(
        "/pins/bulk/schedule",
        json={"pin_ids": ids, "scheduled_at": TOMORROW},
        headers=alice.headers,
    )
    past = await client.put(
        "/pins/bulk/schedule",
        json={"pin_ids": ids, "scheduled_at": "2020-01-01T00:00:00Z"},
        headers=alice.headers,
    )

    assert response.json() == {"updated": 3}
    pins = (await client.get("/pins?status=scheduled", headers=alice.headers)).json()
    assert [pin["scheduled_at"] for pin in pins] == [TOMORROW] * 3
    assert past.status_code == 400


async def test_reorder_sets_sort_order_by_position(client: AsyncClient, alice: Account) -> None:
    first, second, third = [(await create(client, alice))["id"] for _ in range(3)]

    response = await client.put(
        "/pins/reorder", json={"pin_ids": [third, first, second]}, headers=alice.headers
    )

    assert response.json() == {"updated": 3}
    orders = {
        pin["id"]: pin["sort_order"]
        for pin in (await client.get("/pins", headers=alice.headers)).json()
    }
    assert orders == {third: 0, first: 1, second: 2}


@pytest.mark.parametrize("intruder", ["unknown", "bobs"])
async def test_reorder_with_an_unknown_id_changes_nothing(
    client: AsyncClient, alice: Account, bob: Account, intruder: str
) -> None:
    first, second = [(await create(client, alice))["id"] for _ in range(2)]
    other = 999_999 if intruder == "unknown" else (await create(client, bob))["id"]
    before = (await client.get("/pins", headers=alice.headers)).json()

    response = await client.put(
        "/pins/reorder", json={"pin_ids": [second, other, first]}, headers=alice.headers
    )

    assert response.status_code == 404
    assert response.json() == {"detail": f"Pin {other} not found"}
    assert (await client.get("/pins", headers=alice.headers)).json() == before


async def test_reorder_refuses_duplicates(client: AsyncClient, alice: Account) -> None:
    pin = (await create(client, alice))["id"]

    response = await client.put(
        "/pins/reorder", json={"pin_ids": [pin, pin]}, headers=alice.headers
    )

    assert response.status_code == 422
    assert loc(response) == ["body", "pin_ids"]


# --- calendar -------------------------------------------------------------------------------


async def test_the_calendar_month_is_bounded_in_the_users_time_zone(
    client: AsyncClient, factory: Factory, database: Database, clock: Clock
) -> None:
    new_yorker = await account(factory, "nia", timezone="America/New_York")
    # 2026-06-01 02:00 UTC is still May 31 in New York.
    late_may = await create(client, new_yorker, scheduled_at="2026-06-01T02:00:00Z")
    june = await create(client, new_yorker, scheduled_at="2026-06-01T05:00:00Z")
    published = await create(client, new_yorker)
    await set_status(
        database,
        published["id"],
        PinStatus.PUBLISHED,
        published_at=datetime(2026, 5, 1, 12, 30, tzinfo=UTC),
    )
    await create(client, new_yorker)  # queued: never on the calendar

    may = await client.get("/pins/calendar?year=2026&month=5", headers=new_yorker.headers)
    june_answer = await client.get("/pins/calendar?year=2026&month=6", headers=new_yorker.headers)

    assert [pin["id"] for pin in may.json()] == [published["id"], late_may["id"]]
    assert [pin["id"] for pin in june_answer.json()] == [june["id"]]


@pytest.mark.parametrize("query", ["year=2026&month=13", "year=2026", "month=5", "year=x&month=1"])
async def test_a_bad_calendar_query_is_a_422(
    client: AsyncClient, alice: Account, query: str
) -> None:
    response = await client.get(f"/pins/calendar?{query}", headers=alice.headers)

    assert response.status_code == 422


async def test_december_ends_at_new_year(client: AsyncClient, alice: Account) -> None:
    new_year = await create(client, alice, scheduled_at="2027-01-01T00:00:00Z")
    last_minute = await create(client, alice, scheduled_at="2026-12-31T23:59:00Z")

    december = await client.get("/pins/calendar?year=2026&month=12", headers=alice.headers)

    assert [pin["id"] for pin in december.json()] == [last_minute["id"]]
    assert new_year["id"] not in [pin["id"] for pin in december.json()]


# --- quotas ---------------------------------------------------------------------------------


async def test_the_daily_limit_counts_created_pins_and_resets_at_midnight_utc(
    client: AsyncClient, factory: Factory, clock: Clock
) -> None:
    limited = await account(factory, "dee", daily_pin_limit=2)
    first = await create(client, limited)
    await create(client, limited)
    await client.delete(f"/pins/{first['id']}", headers=limited.headers)  # not refunded

    refused = await client.post("/pins", json=pin_body(), headers=limited.headers)
    clock.advance(hours=12)  # 2026-05-02 00:00 UTC
    accepted = await client.post("/pins", json=pin_body(), headers=limited.headers)

    assert refused.status_code == 429
    assert refused.json() == {"detail": "Daily pin limit of 2 reached. Resets at midnight UTC."}
    assert int(refused.headers["retry-after"]) == 12 * 3600
    assert accepted.status_code == 201


async def test_concurrent_creates_at_the_daily_limit_never_exceed_it(
    client: AsyncClient, factory: Factory
) -> None:
    limited = await account(factory, "rush", daily_pin_limit=3)

    answers = await asyncio.gather(
        *(client.post("/pins", json=pin_body(), headers=limited.headers) for _ in range(12))
    )

    assert sorted(answer.status_code for answer in answers) == [201] * 3 + [429] * 9
    listed = await client.get("/pins", headers=limited.headers)
    assert len(listed.json()) == 3


async def test_the_monthly_quota_follows_the_plan_and_resets_next_month(
    client: AsyncClient, factory: Factory, database: Database, clock: Clock
) -> None:
    from pinsmith.quotas.repository import DailyPinCountRepository

    starter = await account(factory, "stu", plan="starter")
    async with database.transaction() as session:
        await DailyPinCountRepository(session).add_pins(
            starter.user.id, clock.now.date().replace(day=1), 199
        )

    last = await client.post("/pins", json=pin_body(), headers=starter.headers)
    over = await client.post("/pins", json=pin_body(), headers=starter.headers)
    clock.advance(days=31)
    next_month = await client.post("/pins", json=pin_body(), headers=starter.headers)

    assert last.status_code == 201
    assert over.status_code == 429
    assert over.json() == {"detail": "Monthly pin limit of 200 reached for plan 'starter'."}
    assert next_month.status_code == 201


async def test_a_bulk_over_the_quota_is_refused_whole(
    client: AsyncClient, factory: Factory, clock: Clock
) -> None:
    capped = await account(factory, "cap", plan="growth", daily_pin_limit=3)

    too_many = await client.post("/pins/bulk", json=[pin_body()] * 4, headers=capped.headers)
    just_right = await client.post("/pins/bulk", json=[pin_body()] * 3, headers=capped.headers)

    assert too_many.status_code == 429
    assert just_right.status_code == 201
    assert len((await client.get("/pins", headers=capped.headers)).json()) == 3


async def test_a_refused_pin_counts_nothing_and_records_nothing(
    client: AsyncClient, factory: Factory, database: Database, clock: Clock
) -> None:
    limited = await account(factory, "eve", daily_pin_limit=1)

    bad = await client.post("/pins", json=pin_body(board_id="x"), headers=limited.headers)
    good = await client.post("/pins", json=pin_body(), headers=limited.headers)

    assert bad.status_code == 422
    assert good.status_code == 201
    async with database.transaction(write=False) as session:
        kinds = (await session.execute(select(Event.type))).scalars().all()
    assert kinds == ["pin.created"]


@pytest.mark.parametrize("search", ["CRÈME", "crème brûlée", "BRÛL", "ΣΟΥΠΑ"])
async def test_the_title_filter_ignores_case_beyond_ascii(
    client: AsyncClient, alice: Account, search: str
) -> None:
    wanted = await create(client, alice, title="Crème Brûlée σουπα")
    await create(client, alice, title="Plain toast")

    found = await client.get("/pins", params={"title": search}, headers=alice.headers)

    assert [pin["id"] for pin in found.json()] == [wanted["id"]]
