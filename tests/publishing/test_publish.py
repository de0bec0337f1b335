"""Publishing exactly once, against the sandbox: every way an attempt can end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import select, update

from pinsmith.app import create_app
from pinsmith.config import Settings
from pinsmith.kit.db import Database
from pinsmith.kit.time import utcnow
from pinsmith.models import Event, Job, Pin, PinStatus, PinterestProfile, ProfileStatus
from pinsmith.models.job import DEFAULT_MAX_ATTEMPTS
from pinsmith.publishing import tasks
from pinsmith.publishing.service import (
    MAX_ATTEMPTS,
    NOWHERE_TO_PUBLISH,
    Publisher,
    ReconcileLater,
)
from pinsmith.sandbox import Board, Sandbox
from pinsmith.worker import JobContext
from tests.conftest import Factory, Pinner, pinner
from tests.media import samples

IMAGE = "https://images.example.com/pie.jpg"


class LosingTransport(httpx.AsyncBaseTransport):
    """The sandbox in-process, except that the answers to the first ``lose`` pin creations are
    lost on the way back: Pinterest made the pin, pinsmith saw a timeout."""

    def __init__(self, app: FastAPI) -> None:
        self.inner = ASGITransport(app=app)
        self.lose = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method == "POST" and request.url.path == "/v5/pins" and self.lose > 0:
            self.lose -= 1
            await response.aread()
            raise httpx.ReadTimeout("the answer was lost", request=request)
        return response


@pytest.fixture
def network(sandbox_app: FastAPI) -> LosingTransport:
    return LosingTransport(sandbox_app)


@pytest.fixture
async def publishing_app(
    sandboxed_settings: Settings, network: LosingTransport
) -> AsyncIterator[FastAPI]:
    app = create_app(sandboxed_settings, migrate=False, pinterest_transport=network)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(publishing_app: FastAPI) -> AsyncIterator[AsyncClient]:
    transport = ASGITransport(app=publishing_app)
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def rosa(factory: Factory, pinterest_sandbox: Sandbox) -> Pinner:
    return await pinner(factory, pinterest_sandbox, "rosa_bakes")


@pytest.fixture
def board(pinterest_sandbox: Sandbox, rosa: Pinner) -> Board:
    return pinterest_sandbox.add_board(rosa.account.id, "Pies")


async def new_pin(client: AsyncClient, who: Pinner, board: Board, **fields: Any) -> int:
    body = {"board_id": board.id, "media_url": IMAGE, "title": "Apple pie"} | fields
    response = await client.post("/pins", json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    pin_id: int = response.json()["id"]
    return pin_id


async def publish(client: AsyncClient, who: Pinner, pin_id: int) -> httpx.Response:
    return await client.post(f"/pins/{pin_id}/publish", headers=who.headers)


async def event_types(database: Database, pin_id: int) -> list[str]:
    async with database.transaction(write=False) as session:
        rows = await session.execute(select(Event.type).where(Event.pin_id == pin_id))
        return list(rows.scalars())


async def test_a_pin_published_now_is_on_the_board_once(
    client: AsyncClient,
    rosa: Pinner,
    board: Board,
    pinterest_sandbox: Sandbox,
    database: Database,
) -> None:
    pin_id = await new_pin(client, rosa, board, description="Grandma's", link="https://x.test/")

    response = await publish(client, rosa, pin_id)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "published"
    assert body["published_at"] is not None
    on_board = pinterest_sandbox.pins_on_board(board.id)
    assert [(p.id, p.title, p.description) for p in on_board] == [
        (body["pinterest_pin_id"], "Apple pie", "Grandma's")
    ]
    assert on_board[0].images[0].url == IMAGE
    assert "pin.published" in await event_types(database, pin_id)


async def test_our_own_upload_travels_as_bytes(
    client: AsyncClient, rosa: Pinner, board: Board, pinterest_sandbox: Sandbox
) -> None:
    uploaded = await client.post(
        "/pins/upload-image",
        files={"file": ("pie.jpg", samples.jpeg((60, 90)), "image/jpeg")},
        headers=rosa.headers,
    )
    assert uploaded.status_code == 200, uploaded.text
    pin_id = await new_pin(client, rosa, board, media_url=uploaded.json()["url"])

    response = await publish(client, rosa, pin_id)

    assert response.json()["status"] == "published"
    image = pinterest_sandbox.pins_on_board(board.id)[0].images[0]
    assert image.url is None  # not fetched by URL: sent inline
    assert image.file_id is not None
    stored = pinterest_sandbox.file(image.file_id)
    assert stored is not None
    assert stored.content_type == "image/jpeg"


async def test_a_lost_answer_is_reconciled_to_the_pin_pinterest_made(
    client: AsyncClient,
    rosa: Pinner,
    board: Board,
    pinterest_sandbox: Sandbox,
    network: LosingTransport,
) -> None:
    pin_id = await new_pin(client, rosa, board)
    network.lose = 1

    response = await publish(client, rosa, pin_id)

    body = response.json()
    assert body["status"] == "published"
    on_board = pinterest_sandbox.pins_on_board(board.id)
    assert [p.id for p in on_board] == [body["pinterest_pin_id"]]
    assert body["retry_count"] == 1


async def test_a_failure_that_made_nothing_is_tried_again(
    client: AsyncClient, rosa: Pinner, board: Board, pinterest_sandbox: Sandbox
) -> None:
    pinterest_sandbox.add_fault(
        {"route": "POST /v5/pins", "action": "error", "status": 500, "times": 1}
    )
    pin_id = await new_pin(client, rosa, board)

    response = await publish(client, rosa, pin_id)

    assert response.json()["status"] == "published"
    assert response.json()["retry_count"] == 2
    assert len(pinterest_sandbox.pins_on_board(board.id)) == 1


async def test_after_three_unconfirmed_attempts_the_pin_fails(
    client: AsyncClient,
    rosa: Pinner,
    board: Board,
    pinterest_sandbox: Sandbox,
    database: Database,
) -> None:
    pinterest_sandbox.add_fault({"route": "POST /v5/pins", "action": "error", "status": 503})
    pin_id = await new_pin(client, rosa, board)

    response = await publish(client, rosa, pin_id)

    body = response.json()
    assert body["status"] == "failed"
    assert body["retry_count"] == MAX_ATTEMPTS
    assert f"after {MAX_ATTEMPTS} attempts" in body["error_message"]
    assert pinterest_sandbox.pins_on_board(board.id) == []
    assert "pin.failed" in await event_types(database, pin_id)


async def test_two_lookalikes_on_the_board_send_the_pin_to_review(
    client: AsyncClient,
    rosa: Pinner,
    board: Board,
    pinterest_sandbox: Sandbox,
    network: LosingTransport,
) -> None:
    twin = pinterest_sandbox.add_pin(board.id, title="Apple pie")
    pin_id = await new_pin(client, rosa, board)
    network.lose = 1

    response = await publish(client, rosa, pin_id)

    body = response.json()
    assert body["status"] == "review"
    made = [p.id for p in pinterest_sandbox.pins_on_board(board.id) if p.id != twin.id]
    assert len(made) == 1
    assert twin.id in body["error_message"]
    assert made[0] in body["error_message"]
    assert body["pinterest_pin_id"] is None


async def test_a_board_deleted_on_pinterest_fails_the_pin_with_pinterests_message(
    client: AsyncClient, rosa: Pinner, board: Board, pinterest_sandbox: Sandbox
) -> None:
    pin_id = await new_pin(client, rosa, board)
    pinterest_sandbox.delete_board(board.id)

    response = await publish(client, rosa, pin_id)

    body = response.json()
    assert body["status"] == "failed"
    assert body["error_message"].startswith("Pinterest refused the pin")
    assert f"board {board.id} not found" in body["error_message"]
    assert body["retry_count"] == 1


async def test_a_spam_block_fails_the_pin_with_pinterests_message(
    client: AsyncClient, rosa: Pinner, board: Board, pinterest_sandbox: Sandbox
) -> None:
    pinterest_sandbox.add_fault({"route": "POST /v5/pins", "action": "spam_block"})
    pin_id = await new_pin(client, rosa, board)

    response = await publish(client, rosa, pin_id)

    assert response.json()["status"] == "failed"
    assert "spam" in response.json()["error_message"]


async def test_pinterests_rate_limit_puts_the_pin_back_without_spending_an_attempt(
    client: AsyncClient, rosa: Pinner, board: Board, pinterest_sandbox: Sandbox
) -> None:
    pinterest_sandbox.add_fault({"route": "POST /v5/pins", "action": "error", "status": 429})
    pin_id = await new_pin(client, rosa, board)

    response = await publish(client, rosa, pin_id)

    body = response.json()
    assert (body["status"], body["retry_count"]) == ("queued", 0)
    assert "Not published yet" in body["error_message"]
    assert pinterest_sandbox.pins_on_board(board.id) == []


async def test_a_refused_token_holds_the_pin_and_marks_the_profile(
    client: AsyncClient,
    factory: Factory,
    pinterest_sandbox: Sandbox,
    database: Database,
) -> None:
    rosa = await pinner(factory, pinterest_sandbox, "rosa_bakes", expires_in=60)
    board = pinterest_sandbox.add_board(rosa.account.id, "Pies")
    pinterest_sandbox.state.refresh_tokens[rosa.tokens.refresh_token].revoked = True
    pin_id = await new_pin(client, rosa, board, scheduled_at="2099-01-01T09:00:00Z")

    response = await publish(client, rosa, pin_id)

    body = response.json()
    assert (body["status"], body["retry_count"]) == ("scheduled", 0)
    assert body["scheduled_at"].startswith("2099-01-01T09:00:00")
    async with database.transaction(write=False) as session:
        profile = await session.get(PinterestProfile, rosa.profile_id)
    assert profile is not None
    assert profile.status is ProfileStatus.NEEDS_RECONNECT


async def test_drafts_publish_now_too_but_published_pins_do_not_twice(
    client: AsyncClient, rosa: Pinner, board: Board, pinterest_sandbox: Sandbox
) -> None:
    pin_id = await new_pin(client, rosa, board, status="draft")

    first = await publish(client, rosa, pin_id)
    again = await publish(client, rosa, pin_id)

    assert first.json()["status"] == "published"
    assert again.status_code == 409
    assert len(pinterest_sandbox.pins_on_board(board.id)) == 1


async def test_another_users_pin_is_not_found(
    client: AsyncClient,
    rosa: Pinner,
    board: Board,
    factory: Factory,
    pinterest_sandbox: Sandbox,
) -> None:
    pin_id = await new_pin(client, rosa, board)
    bob = await pinner(factory, pinterest_sandbox, "bob_builds")

    response = await publish(client, bob, pin_id)

    assert response.status_code == 404
    assert pinterest_sandbox.pins_on_board(board.id) == []


async def test_a_pin_left_publishing_by_a_dead_worker_is_reconciled_not_sent_again(
    client: AsyncClient,
    publishing_app: FastAPI,
    sandboxed_settings: Settings,
    rosa: Pinner,
    board: Board,
    pinterest_sandbox: Sandbox,
    database: Database,
) -> None:
    pin_id = await new_pin(client, rosa, board)
    # The worker committed `publishing`, Pinterest made the pin, and the worker died.
    async with database.transaction() as session:
        await session.execute(
            update(Pin)
            .where(Pin.id == pin_id)
            .values(status=PinStatus.PUBLISHING, attempt_started_at=utcnow(), retry_count=1)
        )
    made = pinterest_sandbox.add_pin(board.id, title="Apple pie", image_url=IMAGE)
    publisher = Publisher(database, publishing_app.state.pinterest, sandboxed_settings)

    pin = await publisher.publish(pin_id, claimed=True)  # the job, run again

    assert (pin.status, pin.pinterest_pin_id) == (PinStatus.PUBLISHED, made.id)
    assert len(pinterest_sandbox.pins_on_board(board.id)) == 1


@pytest.mark.parametrize("last_attempt", [False, True])
async def test_an_outcome_that_cannot_be_checked_goes_to_review_on_the_jobs_last_attempt(
    client: AsyncClient,
    publishing_app: FastAPI,
    sandboxed_settings: Settings,
    rosa: Pinner,
    board: Board,
    pinterest_sandbox: Sandbox,
    database: Database,
    last_attempt: bool,
) -> None:
    pin_id = await new_pin(client, rosa, board)
    # A worker committed `publishing` and died; now Pinterest's listings fail.
    async with database.transaction() as session:
        await session.execute(
            update(Pin)
            .where(Pin.id == pin_id)
            .values(status=PinStatus.PUBLISHING, attempt_started_at=utcnow(), retry_count=1)
        )
    pinterest_sandbox.add_fault(
        {"route": "GET /v5/boards/{board_id}/pins", "action": "error", "status": 503}
    )
    job = Job(
        kind=tasks.PUBLISH_TASK,
        payload={"pin_id": pin_id},
        attempts=DEFAULT_MAX_ATTEMPTS if last_attempt else 1,
        max_attempts=DEFAULT_MAX_ATTEMPTS,
    )
    context = JobContext(
        database, job, sandboxed_settings, {"pinterest": publishing_app.state.pinterest}
    )

    if last_attempt:
        await tasks.publish(context, job.payload)
    else:
        with pytest.raises(ReconcileLater):  # the job is tried again later
            await tasks.publish(context, job.payload)

    async with database.transaction(write=False) as session:
        pin = await session.get_one(Pin, pin_id)
    if last_attempt:  # no one would look again: a person decides, the pin is not stuck
        assert pin.status is PinStatus.REVIEW
        assert pin.error_message is not None
        assert pin.error_message.startswith("Pinterest could not be asked whether the pin")
    else:
        assert pin.status is PinStatus.PUBLISHING
    assert pinterest_sandbox.pins_on_board(board.id) == []  # never sent blindly


async def test_a_claimed_pin_whose_profile_was_removed_fails_with_a_reason(
    client: AsyncClient,
    publishing_app: FastAPI,
    sandboxed_settings: Settings,
    rosa: Pinner,
    board: Board,
    database: Database,
) -> None:
    pin_id = await new_pin(client, rosa, board)
    async with database.transaction() as session:
        await session.execute(
            update(Pin).where(Pin.id == pin_id).values(status=PinStatus.PUBLISHING, profile_id=None)
        )
    publisher = Publisher(database, publishing_app.state.pinterest, sandboxed_settings)

    pin = await publisher.publish(pin_id, claimed=True)

    assert pin.status is PinStatus.FAILED
    assert pin.error_message == NOWHERE_TO_PUBLISH


async def test_a_profile_without_a_token_holds_its_pins_and_asks_for_a_reconnect(
    client: AsyncClient,
    rosa: Pinner,
    board: Board,
    database: Database,
) -> None:
    pin_id = await new_pin(client, rosa, board)
    async with database.transaction() as session:
        await session.execute(
            update(PinterestProfile)
            .where(PinterestProfile.id == rosa.profile_id)
            .values(access_token_encrypted=None)
        )

    response = await publish(client, rosa, pin_id)

    assert (response.json()["status"], response.json()["retry_count"]) == ("queued", 0)
    async with database.transaction(write=False) as session:
        profile = await session.get(PinterestProfile, rosa.profile_id)
    assert profile is not None
    assert profile.status is ProfileStatus.NEEDS_RECONNECT
