"""Pins leave the queue on time: scheduled pins at their time, queued pins in their profile's
slots, each claimed once, through the worker's publishing job, against the sandbox."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import delete, func, select, update

from pinsmith.config import Settings
from pinsmith.kit.db import Database
from pinsmith.models import Job, Pin, PinStatus
from pinsmith.profiles.tokens import mark_needs_reconnect
from pinsmith.publishing.dispatch import adopt_orphans, dispatch_due
from pinsmith.sandbox import Board, Sandbox
from pinsmith.worker import Worker
from pinsmith.worker.registry import load_task_modules
from tests.conftest import Clock, Factory, Pinner, pinner

IMAGE = "https://images.example.com/pie.jpg"
MORNING = datetime(2026, 5, 4, 8, 59, tzinfo=UTC)  # a Monday, a minute before the first slot


@pytest.fixture
async def rosa(factory: Factory, pinterest_sandbox: Sandbox, clock: Clock) -> Pinner:
    clock.now = MORNING
    return await pinner(factory, pinterest_sandbox, "rosa_bakes")


@pytest.fixture
def board(pinterest_sandbox: Sandbox, rosa: Pinner) -> Board:
    return pinterest_sandbox.add_board(rosa.account.id, "Pies")


@pytest.fixture
async def worker(
    database: Database, sandboxed_app: FastAPI, sandboxed_settings: Settings
) -> Worker:
    load_task_modules()  # as a running worker does
    return Worker.from_settings(
        database, sandboxed_settings, services={"pinterest": sandboxed_app.state.pinterest}
    )


async def new_pin(client: AsyncClient, who: Pinner, board: Board, **fields: Any) -> int:
    body = {"board_id": board.id, "media_url": IMAGE} | fields
    response = await client.post("/pins", json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    pin_id: int = response.json()["id"]
    return pin_id


async def statuses(database: Database) -> dict[int, PinStatus]:
    async with database.transaction(write=False) as session:
        rows = await session.execute(select(Pin.id, Pin.status))
        return dict(rows.all())


async def round_(database: Database, worker: Worker, clock: Clock | None = None) -> int:
    """One dispatch round, then the jobs it enqueued; how many pins it claimed. With ``clock``,
    the next round comes a second later, as in a running worker."""
    claimed = await dispatch_due(database)
    await worker.run_due()
    if clock is not None:
        clock.advance(seconds=1)
    return claimed


async def test_a_scheduled_pin_is_published_when_its_time_comes(
    sandboxed_client: AsyncClient,
    rosa: Pinner,
    board: Board,
    clock: Clock,
    database: Database,
    worker: Worker,
    pinterest_sandbox: Sandbox,
) -> None:
    pin_id = await new_pin(
        sandboxed_client, rosa, board, title="Noon pie", scheduled_at="2026-05-04T12:00:00Z"
    )

    clock.advance(hours=3)  # 11:59
    assert await round_(database, worker) == 0
    clock.advance(minutes=1)
    assert await round_(database, worker) == 1

    assert (await statuses(database))[pin_id] is PinStatus.PUBLISHED
    assert [pin.title for pin in pinterest_sandbox.pins_on_board(board.id)] == ["Noon pie"]


async def test_queued_pins_take_the_profiles_slots_in_order(
    sandboxed_client: AsyncClient,
    rosa: Pinner,
    board: Board,
    clock: Clock,
    database: Database,
    worker: Worker,
    pinterest_sandbox: Sandbox,
) -> None:
    schedule = {"timezone": "UTC", "slots": ["09:00", "13:00"], "days": ["mon"]}
    saved = await sandboxed_client.put(
        f"/profiles/{rosa.profile_id}/schedule", json=schedule, headers=rosa.headers
    )
    assert saved.status_code == 200, saved.text
    first = await new_pin(sandboxed_client, rosa, board, title="First")
    second = await new_pin(sandboxed_client, rosa, board, title="Second")

    assert await round_(database, worker) == 0  # 08:59: no slot yet
    clock.advance(minutes=1, seconds=20)
    assert await round_(database, worker) == 1  # the 09:00 slot
    assert await round_(database, worker) == 0  # used: the next pin waits for 13:00
    clock.advance(hours=4)
    assert await round_(database, worker) == 1

    assert [pin.title for pin in pinterest_sandbox.pins_on_board(board.id)] == [
        "Second",
        "First",
    ]  # newest first
    async with database.transaction(write=False) as session:
        times = dict((await session.execute(select(Pin.id, Pin.scheduled_at))).all())
    assert times[first] == datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    assert times[second] == datetime(2026, 5, 4, 13, 0, tzinfo=UTC)


async def test_a_profile_without_slots_publishes_one_queued_pin_a_round(
    sandboxed_client: AsyncClient,
    rosa: Pinner,
    board: Board,
    database: Database,
    clock: Clock,
    worker: Worker,
) -> None:
    for title in ("One", "Two"):
        await new_pin(sandboxed_client, rosa, board, title=title)

    assert await round_(database, worker, clock) == 1
    assert await round_(database, worker, clock) == 1
    assert await round_(database, worker, clock) == 0
    assert set((await statuses(database)).values()) == {PinStatus.PUBLISHED}


async def test_a_profile_that_needs_reconnecting_keeps_its_pins_waiting(
    sandboxed_client: AsyncClient,
    rosa: Pinner,
    board: Board,
    database: Database,
    worker: Worker,
) -> None:
    pin_id = await new_pin(sandboxed_client, rosa, board)
    await mark_needs_reconnect(database, rosa.profile_id, "The refresh token was revoked.")

    assert await round_(database, worker) == 0
    assert (await statuses(database))[pin_id] is PinStatus.QUEUED


async def test_rounds_at_once_claim_each_pin_once(
    sandboxed_client: AsyncClient,
    rosa: Pinner,
    board: Board,
    clock: Clock,
    database: Database,
) -> None:
    for minute in range(10):
        await new_pin(sandboxed_client, rosa, board, scheduled_at=f"2026-05-04T10:{minute:02d}:00Z")
    clock.advance(hours=2)

    claimed = 0
    for _ in range(12):
        claimed += sum(await asyncio.gather(*(dispatch_due(database) for _ in range(4))))
        clock.advance(seconds=1)

    assert claimed == 10
    async with database.transaction(write=False) as session:
        jobs = await session.execute(
            select(func.count()).select_from(Job).where(Job.kind == "publishing.publish")
        )
    assert jobs.scalar_one() == 10


async def test_a_profiles_writes_are_spaced_by_its_budget(
    sandboxed_client: AsyncClient,
    rosa: Pinner,
    board: Board,
    clock: Clock,
    database: Database,
) -> None:
    for _ in range(5):
        await new_pin(sandboxed_client, rosa, board, scheduled_at="2026-05-04T10:00:00Z")
    clock.advance(hours=2)

    first = await dispatch_due(database, writes_per_minute=120)
    same_moment = await dispatch_due(database, writes_per_minute=120)
    clock.advance(seconds=1)
    a_second_later = await dispatch_due(database, writes_per_minute=120)

    assert (first, same_moment, a_second_later) == (2, 0, 2)


async def test_a_spam_block_pauses_the_profile_until_it_is_resumed(
    sandboxed_client: AsyncClient,
    rosa: Pinner,
    board: Board,
    database: Database,
    clock: Clock,
    worker: Worker,
    pinterest_sandbox: Sandbox,
) -> None:
    blocked = await new_pin(sandboxed_client, rosa, board, title="Blocked")
    waiting = await new_pin(sandboxed_client, rosa, board, title="Waiting")
    pinterest_sandbox.add_fault({"route": "POST /v5/pins", "action": "spam_block", "times": 1})

    assert await round_(database, worker, clock) == 1
    assert await round_(database, worker, clock) == 0  # paused: the next pin waits

    states = await statuses(database)
    assert (states[blocked], states[waiting]) == (PinStatus.FAILED, PinStatus.QUEUED)
    schedule = await sandboxed_client.get(
        f"/profiles/{rosa.profile_id}/schedule", headers=rosa.headers
    )
    assert "spam" in schedule.json()["pause_reason"]
    resumed = await sandboxed_client.post(
        f"/profiles/{rosa.profile_id}/resume", headers=rosa.headers
    )
    assert resumed.status_code == 200
    assert resumed.json()["paused_at"] is None
    assert await round_(database, worker, clock) == 1
    assert (await statuses(database))[waiting] is PinStatus.PUBLISHED


async def test_pinterests_rate_limit_holds_the_profile_until_it_resets(
    sandboxed_client: AsyncClient,
    rosa: Pinner,
    board: Board,
    clock: Clock,
    database: Database,
    worker: Worker,
    pinterest_sandbox: Sandbox,
) -> None:
    pin_id = await new_pin(sandboxed_client, rosa, board, title="Patient")
    pinterest_sandbox.add_fault(
        {"route": "POST /v5/pins", "action": "error", "status": 429, "times": 1}
    )

    assert await round_(database, worker) == 1  # refused: back in the queue
    assert await round_(database, worker) == 0  # the profile waits for the reset
    clock.advance(seconds=61)
    assert await round_(database, worker) == 1

    async with database.transaction(write=False) as session:
        pin = await session.get(Pin, pin_id)
    assert pin is not None
    assert (pin.status, pin.retry_count) == (PinStatus.PUBLISHED, 1)
    assert [p.title for p in pinterest_sandbox.pins_on_board(board.id)] == ["Patient"]


async def test_a_pin_left_publishing_without_a_job_is_adopted_and_reconciled(
    sandboxed_client: AsyncClient,
    rosa: Pinner,
    board: Board,
    clock: Clock,
    database: Database,
    worker: Worker,
    pinterest_sandbox: Sandbox,
) -> None:
    pin_id = await new_pin(sandboxed_client, rosa, board, title="Orphan")
    assert await round_(database, worker) == 1
    # As if Pinterest made the pin, then the worker died on the job's last attempt.
    made = pinterest_sandbox.add_pin(board.id, title="Orphan", image_url=IMAGE)
    async with database.transaction() as session:
        await session.execute(delete(Job))
        await session.execute(
            update(Pin)
            .where(Pin.id == pin_id)
            .values(
                status=PinStatus.PUBLISHING,
                pinterest_pin_id=None,
                attempt_started_at=clock.now,
                updated_at=clock.now,
            )
        )
    pinterest_sandbox.delete_pin(pinterest_sandbox.pins_on_board(board.id)[-1].id)

    assert await adopt_orphans(database) == 0  # too recent: it may still be publishing
    clock.advance(minutes=11)
    assert await adopt_orphans(database) == 1
    assert await adopt_orphans(database) == 0  # its job is waiting
    await worker.run_due()

    async with database.transaction(write=False) as session:
        pin = await session.get(Pin, pin_id)
    assert pin is not None
    assert (pin.status, pin.pinterest_pin_id) == (PinStatus.PUBLISHED, made.id)
    assert [p.id for p in pinterest_sandbox.pins_on_board(board.id)] == [made.id]
