"""The running worker: prompt wake-ups, graceful stop, the embedded worker of the app."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from pinsmith.app import create_app
from pinsmith.kit.db import Database
from pinsmith.models import JobStatus
from pinsmith.worker import JobContext, Worker
from pinsmith.worker.registry import Registry
from tests.conftest import Clock, make_settings
from tests.worker.conftest import enqueue, job_row

pytestmark = pytest.mark.usefixtures("clean_database")

HANG_GUARD = 30  # seconds; only so that a broken wake-up fails instead of hanging the suite
NEVER = 3600.0  # a poll interval no test waits for


@asynccontextmanager
async def running(worker: Worker) -> AsyncIterator[Worker]:
    await worker.start()
    try:
        yield worker
    finally:
        await worker.close()


async def wait_for(event: asyncio.Event) -> None:
    await asyncio.wait_for(event.wait(), HANG_GUARD)


def signalling(started: asyncio.Event, then: Callable[[], Awaitable[None]]) -> Any:
    async def handler(context: JobContext, payload: dict[str, Any]) -> None:
        started.set()
        await then()

    return handler


def setting(event: asyncio.Event) -> Any:
    async def handler(context: JobContext, payload: dict[str, Any]) -> None:
        event.set()

    return handler


async def test_a_job_enqueued_in_this_process_runs_at_once_without_a_poll(
    database: Database, clock: Clock, tasks: Registry
) -> None:
    ran = asyncio.Event()
    tasks.task("tests.signal")(setting(ran))

    async with running(Worker(database, tasks=tasks, poll_seconds=NEVER, listen=False)):
        job = await enqueue(database, "tests.signal")
        await wait_for(ran)

    assert (await job_row(database, job.id)).status is JobStatus.DONE


async def test_notify_from_postgresql_wakes_a_worker(
    database: Database, clock: Clock, tasks: Registry
) -> None:
    if database.is_sqlite:
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; SQLite workers wake in-process or by polling")
    ran = asyncio.Event()
    tasks.task("tests.signal")(setting(ran))
    # Only NOTIFY can wake it: no in-process wake-up, no poll within the test.
    worker = Worker(database, tasks=tasks, poll_seconds=NEVER, wake_on_commit=False)

    async with running(worker):
        await enqueue(database, "tests.signal")
        await wait_for(ran)

    assert ran.is_set()


async def test_stopping_releases_an_unfinished_job_without_counting_the_attempt(
    database: Database, clock: Clock, tasks: Registry
) -> None:
    started = asyncio.Event()
    forever = asyncio.Event()  # never set: the job cannot finish
    tasks.task("tests.stuck")(signalling(started, forever.wait))
    job = await enqueue(database, "tests.stuck")
    worker = Worker(database, tasks=tasks, poll_seconds=NEVER, grace_seconds=0)

    async with running(worker):
        await wait_for(started)
        held = (await job_row(database, job.id)).locked_by

    released = await job_row(database, job.id)
    assert held == worker.id
    assert released.status is JobStatus.QUEUED
    assert (released.attempts, released.locked_by, released.lease_until) == (0, None, None)


async def test_stopping_lets_a_running_job_finish_within_the_grace_period(
    database: Database, clock: Clock, tasks: Registry
) -> None:
    started, gate = asyncio.Event(), asyncio.Event()
    tasks.task("tests.slow")(signalling(started, gate.wait))
    job = await enqueue(database, "tests.slow")
    worker = Worker(database, tasks=tasks, poll_seconds=NEVER, grace_seconds=HANG_GUARD)
    await worker.start()
    await wait_for(started)

    worker.stop()
    later = await enqueue(database, "tests.slow")  # a stopping worker claims nothing new
    gate.set()
    await worker.close()

    assert (await job_row(database, job.id)).status is JobStatus.DONE
    assert (await job_row(database, later.id)).status is JobStatus.QUEUED


async def test_a_worker_runs_no_more_jobs_at_once_than_its_concurrency(
    database: Database, clock: Clock, tasks: Registry
) -> None:
    gate, two_started, all_done = asyncio.Event(), asyncio.Event(), asyncio.Event()
    started: list[int] = []
    done: list[int] = []

    @tasks.task("tests.slow")
    async def slow(context: JobContext, payload: dict[str, Any]) -> None:
        started.append(context.job.id)
        if len(started) == 2:
            two_started.set()
        await gate.wait()
        done.append(context.job.id)
        if len(done) == 5:
            all_done.set()

    for _ in range(5):
        await enqueue(database, "tests.slow")
    worker = Worker(database, tasks=tasks, concurrency=2, poll_seconds=NEVER)

    async with running(worker):
        await wait_for(two_started)
        await asyncio.sleep(0)
        running_at_once = len(worker.running_job_ids)
        gate.set()
        await wait_for(all_done)

    assert running_at_once == 2
    assert len(started) == 5


async def test_the_app_runs_the_embedded_worker_when_enabled(
    tmp_path: Path, database_url: str, clean_database: None
) -> None:
    enabled = make_settings(tmp_path / "on", database_url, worker_enabled=True)
    disabled = make_settings(tmp_path / "off", database_url)

    on, off = create_app(enabled, migrate=False), create_app(disabled, migrate=False)
    async with on.router.lifespan_context(on), off.router.lifespan_context(off):
        embedded = on.state.worker
        assert isinstance(embedded, Worker)
        assert embedded.ready.is_set()
        assert off.state.worker is None
