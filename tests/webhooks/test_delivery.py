"""Deliveries: from the event outbox to a real receiver on a loopback port, signed, retried on
the webhook schedule (time moved by the clock, never slept), every attempt logged."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from itertools import pairwise

from httpx import AsyncClient
from sqlalchemy import select

from pinsmith.config import Settings
from pinsmith.kit.db import Database
from pinsmith.models import Event
from pinsmith.profiles.tokens import mark_needs_reconnect
from pinsmith.webhooks.service import RETRY_DELAYS
from pinsmith.worker import Worker
from tests.conftest import Account, Clock, Factory, make_settings
from tests.webhooks.conftest import (
    Receiver,
    create_pin,
    deliveries,
    register,
    verify,
    webhook_tasks_only,
)

SECRET = "a-random-string-you-pick"


def attempt_times(delivery: dict[str, object]) -> list[datetime]:
    log = delivery["attempt_log"]
    assert isinstance(log, list)
    return [datetime.fromisoformat(attempt["at"]) for attempt in log]


async def test_a_created_pin_reaches_the_receiver_signed_as_pinflow_documents(
    client: AsyncClient, alice: Account, receiver: Receiver, worker: Worker, clock: Clock
) -> None:
    hook = await register(client, alice, f"{receiver.url}/hook", secret=SECRET)
    pin = await create_pin(client, alice)

    await worker.run_due()

    (received,) = receiver.hits()
    assert verify(received.body, SECRET, received.headers["x-webhook-signature"])
    assert json.loads(received.body) == {
        "event": "pin.created",
        "timestamp": "2026-05-01T12:00:00Z",
        "data": {
            "pin_id": pin["id"],
            "title": "Summer Recipe Ideas",
            "board_id": pin["board_id"],
            "status": pin["status"],
            "pinterest_pin_id": None,
            "scheduled_at": None,
            "profile_id": alice.profile.id,
        },
    }
    (delivery,) = await deliveries(client, alice, hook["id"])
    assert received.headers["content-type"] == "application/json"
    assert received.headers["x-webhook-id"] == str(delivery["id"])
    assert received.headers["x-webhook-timestamp"] == str(int(clock.now.timestamp()))
    assert (delivery["event"], delivery["status"], delivery["attempts"]) == (
        "pin.created",
        "succeeded",
        1,
    )
    assert [a["status_code"] for a in delivery["attempt_log"]] == [200]


async def test_without_a_secret_nothing_is_signed(
    client: AsyncClient, alice: Account, receiver: Receiver, worker: Worker
) -> None:
    await register(client, alice, f"{receiver.url}/hook")
    await create_pin(client, alice)

    await worker.run_due()

    (received,) = receiver.hits()
    assert "x-webhook-signature" not in received.headers


async def test_a_failing_receiver_is_retried_on_schedule_with_every_attempt_logged(
    client: AsyncClient, alice: Account, receiver: Receiver, worker: Worker, clock: Clock
) -> None:
    receiver.answers = [500, 503, 200]
    hook = await register(client, alice, f"{receiver.url}/hook", secret=SECRET)
    await create_pin(client, alice)

    await worker.run_due()
    (after_first,) = await deliveries(client, alice, hook["id"])
    await worker.run_due()  # not due yet: nothing runs
    clock.advance(minutes=1)
    await worker.run_due()
    failing = (await client.get(f"/webhooks/{hook['id']}", headers=alice.headers)).json()
    clock.advance(minutes=5)
    await worker.run_due()

    assert after_first["status"] == "pending"
    assert after_first["next_attempt_at"] == "2026-05-01T12:01:00Z"
    assert failing["failing_since"] == "2026-05-01T12:00:00Z"
    (delivery,) = await deliveries(client, alice, hook["id"])
    assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == (
        "succeeded",
        3,
        200,
    )
    log = delivery["attempt_log"]
    assert [(a["number"], a["status_code"], a["error"]) for a in log] == [
        (1, 500, "HTTP 500"),
        (2, 503, "HTTP 503"),
        (3, 200, None),
    ]
    hits = receiver.hits()
    assert len(hits) == 3
    assert {hit.headers["x-webhook-id"] for hit in hits} == {str(delivery["id"])}
    assert len({hit.body for hit in hits}) == 1  # the same bytes, so the same signature
    healed = (await client.get(f"/webhooks/{hook['id']}", headers=alice.headers)).json()
    assert healed["failing_since"] is None


async def test_a_delivery_that_never_succeeds_fails_after_seven_attempts_in_about_a_day(
    client: AsyncClient, alice: Account, receiver: Receiver, worker: Worker, clock: Clock
) -> None:
    receiver.answers = [500]
    hook = await register(client, alice, f"{receiver.url}/hook")
    await create_pin(client, alice)

    await worker.run_due()
    for delay in RETRY_DELAYS:
        clock.advance(seconds=delay.total_seconds())
        await worker.run_due()
    clock.advance(days=2)
    await worker.run_due()

    (delivery,) = await deliveries(client, alice, hook["id"])
    assert (delivery["status"], delivery["attempts"], delivery["next_attempt_at"]) == (
        "failed",
        7,
        None,
    )
    times = attempt_times(delivery)
    assert [later - earlier for earlier, later in pairwise(times)] == list(RETRY_DELAYS)
    assert timedelta(hours=18) < times[-1] - times[0] < timedelta(days=1)
    assert len(receiver.hits()) == 7


async def test_a_redirect_is_a_failed_attempt_and_is_not_followed(
    client: AsyncClient, alice: Account, receiver: Receiver, worker: Worker
) -> None:
    receiver.answers = [302]
    hook = await register(client, alice, f"{receiver.url}/hook")
    await create_pin(client, alice)

    await worker.run_due()

    (delivery,) = await deliveries(client, alice, hook["id"])
    assert delivery["status"] == "pending"
    (attempt,) = delivery["attempt_log"]
    assert attempt["status_code"] == 302
    assert "redirects are not followed" in attempt["error"]
    assert len(receiver.hits("/hook")) == 1
    assert receiver.hits("/elsewhere") == []


async def test_redeliver_sends_a_delivered_event_again_with_the_same_id(
    client: AsyncClient, alice: Account, receiver: Receiver, worker: Worker
) -> None:
    hook = await register(client, alice, f"{receiver.url}/hook", secret=SECRET)
    await create_pin(client, alice)
    await worker.run_due()
    (delivered,) = await deliveries(client, alice, hook["id"])

    answer = await client.post(
        f"/webhooks/{hook['id']}/deliveries/{delivered['id']}/redeliver", headers=alice.headers
    )
    await worker.run_due()

    assert answer.status_code == 202
    assert answer.json()["status"] == "pending"
    first, second = receiver.hits()
    assert second.body == first.body
    assert second.headers["x-webhook-id"] == first.headers["x-webhook-id"]
    assert verify(second.body, SECRET, second.headers["x-webhook-signature"])
    (delivery,) = await deliveries(client, alice, hook["id"])
    assert (delivery["status"], delivery["attempts"]) == ("succeeded", 2)
    missing = await client.post(
        f"/webhooks/{hook['id']}/deliveries/{delivered['id'] + 99}/redeliver",
        headers=alice.headers,
    )
    assert missing.status_code == 404


async def test_redeliver_moves_a_waiting_retry_to_now_without_a_second_attempt_later(
    client: AsyncClient, alice: Account, receiver: Receiver, worker: Worker, clock: Clock
) -> None:
    receiver.answers = [500, 200]
    hook = await register(client, alice, f"{receiver.url}/hook")
    await create_pin(client, alice)
    await worker.run_due()
    (waiting,) = await deliveries(client, alice, hook["id"])

    await client.post(
        f"/webhooks/{hook['id']}/deliveries/{waiting['id']}/redeliver", headers=alice.headers
    )
    await worker.run_due()
    clock.advance(hours=1)  # the retry the first failure had scheduled comes due
    await worker.run_due()

    (delivery,) = await deliveries(client, alice, hook["id"])
    assert (delivery["status"], delivery["attempts"]) == ("succeeded", 2)
    assert len(receiver.hits()) == 2


async def test_a_webhook_failing_for_more_than_three_days_is_disabled_with_a_reason(
    client: AsyncClient,
    alice: Account,
    receiver: Receiver,
    worker: Worker,
    clock: Clock,
    database: Database,
) -> None:
    receiver.answers = [500]
    hook = await register(client, alice, f"{receiver.url}/hook")
    await create_pin(client, alice)
    await worker.run_due()
    clock.advance(days=3, minutes=1)  # the retry, overdue, fails again

    await worker.run_due()
    await create_pin(client, alice)
    await worker.run_due()

    (listed,) = (await client.get("/webhooks", headers=alice.headers)).json()
    assert listed["id"] == hook["id"]
    assert listed["is_active"] is False
    assert listed["disabled_reason"].startswith(
        "Disabled after failing since 2026-05-01T12:00:00Z: last error HTTP 500"
    )
    (delivery,) = await deliveries(client, alice, hook["id"])  # the later pin: none
    assert (delivery["status"], delivery["attempts"]) == ("failed", 2)
    assert len(receiver.hits()) == 2
    async with database.transaction(write=False) as session:
        told = await session.execute(select(Event).where(Event.type == "webhook.disabled"))
        (event,) = told.scalars().all()
    assert event.data["webhook_id"] == hook["id"]

    again = await client.put(
        f"/webhooks/{hook['id']}", json={"is_active": True}, headers=alice.headers
    )
    assert (again.json()["is_active"], again.json()["disabled_reason"]) == (True, None)


async def test_a_paused_webhook_gets_nothing(
    client: AsyncClient, alice: Account, receiver: Receiver, worker: Worker, clock: Clock
) -> None:
    receiver.answers = [500]
    hook = await register(client, alice, f"{receiver.url}/hook")
    await create_pin(client, alice)
    await worker.run_due()  # one failed attempt, a retry waiting

    await client.put(f"/webhooks/{hook['id']}", json={"is_active": False}, headers=alice.headers)
    await create_pin(client, alice)
    clock.advance(hours=1)
    await worker.run_due()

    assert len(receiver.hits()) == 1
    (delivery,) = await deliveries(client, alice, hook["id"])
    assert (delivery["status"], delivery["last_error"]) == ("failed", "The webhook is paused")
    refused = await client.post(
        f"/webhooks/{hook['id']}/deliveries/{delivery['id']}/redeliver", headers=alice.headers
    )
    assert refused.status_code == 409


async def test_events_of_another_profiles_pins_do_not_reach_a_profiles_webhook(
    client: AsyncClient, alice: Account, receiver: Receiver, worker: Worker, factory: Factory
) -> None:
    second = await factory.profile(alice.user, pinterest_user_id="7770001", username="alice_two")
    await register(client, alice, f"{receiver.url}/hook")
    await create_pin(client, alice, profile_id=second.id)
    mine = await create_pin(client, alice, title="Mine")

    await worker.run_due()

    (received,) = receiver.hits()
    assert json.loads(received.body)["data"]["pin_id"] == mine["id"]


async def test_a_webhook_gets_only_its_event_type(
    client: AsyncClient, alice: Account, receiver: Receiver, worker: Worker
) -> None:
    await register(client, alice, f"{receiver.url}/hook", "pin.scheduled")
    await create_pin(client, alice)
    scheduled = await create_pin(client, alice, scheduled_at="2026-05-02T19:00:00Z")

    await worker.run_due()

    (received,) = receiver.hits()
    assert json.loads(received.body)["event"] == "pin.scheduled"
    assert json.loads(received.body)["data"]["pin_id"] == scheduled["id"]


async def test_a_profile_that_needs_reconnecting_is_announced_once(
    client: AsyncClient,
    alice: Account,
    receiver: Receiver,
    worker: Worker,
    database: Database,
) -> None:
    await register(client, alice, f"{receiver.url}/hook", "profile.needs_reconnect")

    await mark_needs_reconnect(database, alice.profile.id, "The refresh token was revoked.")
    await mark_needs_reconnect(database, alice.profile.id, "Still revoked.")
    await worker.run_due()

    (received,) = receiver.hits()
    sent = json.loads(received.body)
    assert sent["event"] == "profile.needs_reconnect"
    assert sent["data"] == {
        "profile_id": alice.profile.id,
        "pinterest_user_id": alice.profile.pinterest_user_id,
        "pinterest_username": alice.profile.username,
        "status": "needs_reconnect",
        "reason": "The refresh token was revoked.",
    }


async def test_at_delivery_the_address_is_checked_again(
    client: AsyncClient,
    alice: Account,
    receiver: Receiver,
    database: Database,
    settings: Settings,
) -> None:
    """Registered while loopback was allowed; a worker that does not allow it refuses to send."""
    hook = await register(client, alice, f"{receiver.url}/hook")
    await create_pin(client, alice)
    strict = make_settings(settings.data_dir, settings.database_url, allow_private_urls=False)
    worker = Worker(database, settings=strict, tasks=webhook_tasks_only(), listen=False)

    await worker.run_due()

    assert receiver.hits() == []
    (delivery,) = await deliveries(client, alice, hook["id"])
    (attempt,) = delivery["attempt_log"]
    assert attempt["status_code"] is None
    assert "loopback" in attempt["error"]
