"""The job table as a queue: enqueue in the caller's transaction, claims, retries, leases."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from pinsmith.kit.db import Database
from pinsmith.models import Job, JobStatus
from pinsmith.worker import JobContext, Worker, queue
from pinsmith.worker.registry import Registry
from tests.conftest import Clock
from tests.worker.conftest import all_jobs, enqueue, enqueue_many, job_row

pytestmark = pytest.mark.usefixtures("clean_database")

LEASE = timedelta(minutes=5)


async def count_jobs(database: Database) -> int:
    async with database.transaction(write=False) as session:
        return (await session.execute(select(func.count()).select_from(Job))).scalar_one()


async def test_an_enqueued_job_is_invisible_until_the_caller_commits(database: Database) -> None:
    async with database.transaction() as session:
        await queue.enqueue(session, "tests.noop", {"pin_id": 7})
        await session.flush()
        seen_before_commit = await count_jobs(database)

    jobs = await all_jobs(database)
    assert seen_before_commit == 0
    assert [(job.kind, job.payload, job.status) for job in jobs] == [
        ("tests.noop", {"pin_id": 7}, JobStatus.QUEUED)
    ]


async def test_a_rolled_back_enqueue_leaves_no_job(database: Database) -> None:
    async def change_that_fails() -> None:
        async with database.transaction() as session:
            await queue.enqueue(session, "tests.noop", {})
            await session.flush()
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError, match="the change failed"):
        await change_that_fails()

    assert await count_jobs(database) == 0


async def test_claim_takes_due_jobs_in_run_at_order_and_skips_future_ones(
    database: Database, clock: Clock
) -> None:
    later = await enqueue(database, run_at=clock.now - timedelta(minutes=1))
    future = await enqueue(database, run_at=clock.now + timedelta(minutes=1))
    earliest = await enqueue(database, run_at=clock.now - timedelta(hours=1))
    now = await enqueue(database)

    claimed = await queue.claim(database, "w1", limit=10, lease=LEASE)

    assert [job.id for job in claimed] == [earliest.id, later.id, now.id]
    assert {job.status for job in claimed} == {JobStatus.RUNNING}
    assert {job.locked_by for job in claimed} == {"w1"}
    assert {job.lease_until for job in claimed} == {clock.now + LEASE}
    assert {job.attempts for job in claimed} == {1}
    assert (await job_row(database, future.id)).status is JobStatus.QUEUED
    assert await queue.claim(database, "w2", limit=10, lease=LEASE) == []


async def test_claim_takes_at_most_the_limit(database: Database, clock: Clock) -> None:
    await enqueue_many(database, 5)

    first = await queue.claim(database, "w1", limit=2, lease=LEASE)
    rest = await queue.claim(database, "w2", limit=10, lease=LEASE)

    assert len(first) == 2
    assert len(rest) == 3
    assert not {job.id for job in first} & {job.id for job in rest}


async def test_a_claim_with_nothing_due_waits_for_no_writer(
    database: Database, clock: Clock
) -> None:
    await enqueue(database, run_at=clock.now + timedelta(minutes=1))  # not due yet
    async with database.transaction() as writer:
        await writer.execute(select(Job.id))  # on SQLite this holds the database's write lock
        # An idle worker claims several times a second; were each claim to ask for the write
        # lock, it would wait here for the busy timeout and fail as locked.
        claimed = await queue.claim(database, "w1", limit=5, lease=LEASE)

    assert claimed == []


async def test_concurrent_claimers_never_get_the_same_job(database: Database, clock: Clock) -> None:
    ids = await enqueue_many(database, 200)

    async def claimer(name: str) -> list[int]:
        mine: list[int] = []
        while jobs := await queue.claim(database, name, limit=5, lease=LEASE):
            mine.extend(job.id for job in jobs)
            await asyncio.sleep(0)
        return mine

    claims = await asyncio.gather(*(claimer(f"w{n}") for n in range(4)))

    claimed = [job_id for mine in claims for job_id in mine]
    assert sorted(claimed) == sorted(ids)  # each job exactly once
    assert len(set(claimed)) == len(claimed) == 200


async def test_a_failing_job_is_retried_with_backoff_then_fails_with_its_error(
    database: Database, clock: Clock, tasks: Registry
) -> None:
    @tasks.task("tests.flaky")
    async def flaky(context: JobContext, payload: dict[str, Any]) -> None:
        raise ConnectionError(f"endpoint {payload['url']} refused")

    worker = Worker(database, tasks=tasks)
    job = await enqueue(database, "tests.flaky", {"url": "http://hook.test"}, max_attempts=3)

    run_ats = []
    for _ in range(3):
        assert await worker.run_due() == 1
        row = await job_row(database, job.id)
        run_ats.append(row.run_at)
        if row.status is JobStatus.QUEUED:
            assert row.run_at > clock.now  # backoff: not due again at once
            assert await worker.run_due() == 0
            clock.now = row.run_at

    failed = await job_row(database, job.id)
    assert failed.status is JobStatus.FAILED
    assert failed.attempts == 3
    assert failed.last_error == "ConnectionError: endpoint http://hook.test refused"
    assert failed.finished_at == clock.now
    assert failed.locked_by is None
    first_wait, second_wait = run_ats[1] - run_ats[0], run_ats[0] - job.run_at
    assert first_wait > second_wait > timedelta(0)  # the wait grows


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    waits = [queue.backoff(attempt) for attempt in range(1, 12)]

    assert timedelta(seconds=10) <= waits[0] <= timedelta(seconds=12.5)
    assert timedelta(seconds=20) <= waits[1] <= timedelta(seconds=25)
    assert max(waits) <= timedelta(hours=1.25)
    assert waits[-1] >= timedelta(hours=1)


async def test_an_expired_lease_is_recovered_and_the_job_runs_again(
    database: Database, clock: Clock, tasks: Registry
) -> None:
    ran: list[int] = []

    @tasks.task("tests.record")
    async def record(context: JobContext, payload: dict[str, Any]) -> None:
        ran.append(context.job.attempts)

    job = await enqueue(database, "tests.record")
    [claimed] = await queue.claim(database, "dead-worker", limit=1, lease=LEASE)

    clock.advance(seconds=LEASE.total_seconds() - 1)
    too_early = await queue.recover_expired_leases(database)
    clock.advance(seconds=2)
    recovered = await queue.recover_expired_leases(database)
    requeued = await job_row(database, job.id)
    await Worker(database, tasks=tasks).run_due()

    assert too_early == []
    assert recovered == [job.id]
    assert (requeued.status, requeued.attempts, requeued.locked_by) == (JobStatus.QUEUED, 1, None)
    assert ran == [2]  # the dead worker's attempt counts
    assert (await job_row(database, job.id)).status is JobStatus.DONE
    # the dead worker, should it come back, cannot overwrite the outcome
    assert not await queue.fail(database, claimed, "dead-worker", "late")
    assert (await job_row(database, job.id)).status is JobStatus.DONE


async def test_an_expired_lease_on_the_last_attempt_fails_the_job(
    database: Database, clock: Clock
) -> None:
    job = await enqueue(database, max_attempts=1)
    await queue.claim(database, "dead-worker", limit=1, lease=LEASE)
    clock.advance(seconds=LEASE.total_seconds() + 1)

    await queue.recover_expired_leases(database)

    row = await job_row(database, job.id)
    assert row.status is JobStatus.FAILED
    assert row.last_error == queue.LEASE_EXPIRED


async def test_an_unknown_kind_fails_with_a_clear_error(
    database: Database, clock: Clock, tasks: Registry
) -> None:
    job = await enqueue(database, "webhooks.nope")

    await Worker(database, tasks=tasks).run_due()

    row = await job_row(database, job.id)
    assert row.status is JobStatus.FAILED
    assert row.attempts == 1
    assert row.last_error == "unknown task kind 'webhooks.nope': no handler is registered for it"


async def test_a_successful_job_is_done(database: Database, clock: Clock, tasks: Registry) -> None:
    payloads: list[dict[str, Any]] = []

    @tasks.task("tests.record")
    async def record(context: JobContext, payload: dict[str, Any]) -> None:
        payloads.append(payload)

    job = await enqueue(database, "tests.record", {"event_id": 3})

    await Worker(database, tasks=tasks).run_due()

    row = await job_row(database, job.id)
    assert payloads == [{"event_id": 3}]
    assert (row.status, row.finished_at, row.lease_until) == (JobStatus.DONE, clock.now, None)


def test_a_task_name_is_registered_once(tasks: Registry) -> None:
    @tasks.task("tests.once")
    async def first(context: JobContext, payload: dict[str, Any]) -> None: ...

    async def second(context: JobContext, payload: dict[str, Any]) -> None: ...

    with pytest.raises(ValueError, match="already registered"):
        tasks.task("tests.once")(second)
