"""What publishing tells webhooks: the pin's outcome reaches the receiver, signed."""

from __future__ import annotations

import json

import pytest
from httpx import AsyncClient

from pinsmith.config import Settings
from pinsmith.kit.db import Database
from pinsmith.sandbox import Sandbox
from pinsmith.worker import Worker
from pinsmith.worker.registry import registry
from tests.conftest import Factory, Pinner, pinner
from tests.webhooks.conftest import Receiver, receiver, verify

__all__ = ["receiver"]  # the fixture, shared with the webhook tests

SECRET = "s3cret"


@pytest.fixture
async def rosa(factory: Factory, pinterest_sandbox: Sandbox) -> Pinner:
    return await pinner(factory, pinterest_sandbox, "rosa_bakes")


@pytest.mark.parametrize(
    ("event", "fault", "status"),
    [
        ("pin.published", None, "published"),
        ("pin.failed", {"route": "POST /v5/pins", "action": "spam_block"}, "failed"),
    ],
)
async def test_the_outcome_of_publishing_reaches_the_webhook(
    sandboxed_client: AsyncClient,
    sandboxed_settings: Settings,
    database: Database,
    rosa: Pinner,
    pinterest_sandbox: Sandbox,
    receiver: Receiver,
    event: str,
    fault: dict[str, str] | None,
    status: str,
) -> None:
    board = pinterest_sandbox.add_board(rosa.account.id, "Pies")
    hook = await sandboxed_client.post(
        "/webhooks",
        json={"url": f"{receiver.url}/hook", "event": event, "secret": SECRET},
        headers=rosa.headers,
    )
    assert hook.status_code == 201, hook.text
    created = await sandboxed_client.post(
        "/pins",
        json={"board_id": board.id, "media_url": "https://images.example.com/a.jpg"},
        headers=rosa.headers,
    )
    if fault is not None:
        pinterest_sandbox.add_fault(fault)
    published = await sandboxed_client.post(
        f"/pins/{created.json()['id']}/publish", headers=rosa.headers
    )
    assert published.json()["status"] == status

    await Worker(database, settings=sandboxed_settings, tasks=registry, listen=False).run_due()

    (received,) = receiver.hits()
    assert verify(received.body, SECRET, received.headers["x-webhook-signature"])
    body = json.loads(received.body)
    assert body["event"] == event
    assert body["data"]["status"] == status
    assert body["data"]["pinterest_pin_id"] == published.json()["pinterest_pin_id"]
