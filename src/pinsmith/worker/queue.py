"""The job table as a queue: enqueue, claim with a lease, and the ways a claimed job ends.

- ``enqueue`` adds the job to the caller's session: it exists when, and only if, the caller's
  transaction commits. On PostgreSQL it also sends ``NOTIFY pinsmith_jobs``, which PostgreSQL
  delivers at that commit; in this process, the commit pokes the local workers (``notify``).
- ``claim`` takes due jobs in ``run_at`` order, counts an attempt and leases them to one worker.
  PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED`` so claimers pass each other; SQLite: the
  whole claim runs in a ``BEGIN IMMEDIATE`` transaction, which serialises claimers (SQLAlchemy
  silently drops ``FOR UPDATE`` there).
- A claimed job ends ``finish``-ed, ``retry``-ed (backoff, then ``failed``), ``fail``-ed, or
  ``release``-d (back to the queue, the attempt not counted) by a worker that is stopping.
  Every such write names the worker, so a worker whose lease expired cannot overwrite the
  outcome of the worker that took the job over.
- ``recover_expired_leases`` puts back the jobs of a worker that died (the attempt counts).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, event, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from pinsmith.kit.db import Database
from pinsmith.kit.time import utcnow
from pinsmith.models import Job, JobStatus
from pinsmith.models.job import DEFAULT_MAX_ATTEMPTS

CHANNEL = "pinsmith_jobs"
BACKOFF_BASE_SECONDS = 10.0
BACKOFF_CAP_SECONDS = 3600.0
LEASE_EXPIRED = "the worker's lease expired before the job finished (the worker stopped or hung)"

_ENQUEUED = "pinsmith.worker.enqueued"  # Session.info key: this transaction enqueued a job
_wakers: set[Callable[[], None]] = set()
_wakers_lock = threading.Lock()


async def enqueue(
    session: AsyncSession,
    kind: str,
    payload: dict[str, Any],
    *,
    run_at: datetime | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> Job:
    """Add a job to the caller's transaction (no flush, no commit: the caller owns both).

    ``run_at`` (timezone-aware) delays it; by default it is due at once.
    """
    if max_attempts < 1:
        raise ValueError("max_attempts must be 1 or more")
    job = Job(
        kind=kind,
        payload=payload,
        status=JobStatus.QUEUED,
        run_at=run_at if run_at is not None else utcnow(),
        attempts=0,
        max_attempts=max_attempts,
    )
    session.add(job)
    if not session.info.get(_ENQUEUED):
        session.info[_ENQUEUED] = True
        if session.get_bind().dialect.name == "postgresql":
            # Transactional: delivered when the caller commits, dropped if it rolls back.
            await session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
    return job


def notify() -> None:
    """Wake this process's workers now (a commit that enqueued a job does it by itself)."""
    with _wakers_lock:
        wakers = list(_wakers)
    for wake in wakers:
        wake()


def add_waker(wake: Callable[[], None]) -> None:
    with _wakers_lock:
        _wakers.add(wake)


def remove_waker(wake: Callable[[], None]) -> None:
    with _wakers_lock:
        _wakers.discard(wake)


@event.listens_for(Session, "after_commit")
def _wake_workers_after_commit(session: Session) -> None:
    if session.info.pop(_ENQUEUED, False):
        notify()


@event.listens_for(Session, "after_rollback")
def _forget_enqueued_after_rollback(session: Session) -> None:
    session.info.pop(_ENQUEUED, None)


async def claim(database: Database, worker_id: str, *, limit: int, lease: timedelta) -> list[Job]:
    """Up to ``limit`` due jobs, oldest ``run_at`` first, now ``running`` and leased to us."""
    now = utcnow()
    due = (
        select(Job.id)
        .where(Job.status == JobStatus.QUEUED, Job.run_at <= now)
        .order_by(Job.run_at, Job.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL; on SQLite BEGIN IMMEDIATE serialises
    )
    if database.is_sqlite:  # the write lock is the whole database's: look before taking it
        async with database.transaction(write=False) as session:
            if (await session.execute(due)).first() is None:
                return []  # the idle worker's common case, several times a second
    async with database.transaction() as session:
        ids = list((await session.scalars(due)).all())
        if not ids:
            return []
        taken = (
            update(Job)
            .where(Job.id.in_(ids))
            .values(
                status=JobStatus.RUNNING,
                attempts=Job.attempts + 1,
                lease_until=now + lease,
                locked_by=worker_id,
            )
            .returning(Job)
            .execution_options(synchronize_session=False)
        )
        jobs = list((await session.scalars(taken)).all())
    return sorted(jobs, key=lambda job: (job.run_at, job.id))


async def finish(database: Database, job: Job, worker_id: str) -> bool:
    """The job succeeded. False if it is no longer ours (our lease expired and it moved on)."""
    now = utcnow()
    return await _settle(
        database, [job.id], worker_id, status=JobStatus.DONE, finished_at=now, last_error=None
    )


async def fail(database: Database, job: Job, worker_id: str, error: str) -> bool:
    """The job failed for good: no retry can help (an unknown kind, a refused payload)."""
    now = utcnow()
    return await _settle(
        database, [job.id], worker_id, status=JobStatus.FAILED, finished_at=now, last_error=error
    )


async def retry(database: Database, job: Job, worker_id: str, error: str) -> JobStatus:
    """The run failed: queue it again after a backoff, or fail it after its last attempt."""
    if job.attempts >= job.max_attempts:
        await fail(database, job, worker_id, error)
        return JobStatus.FAILED
    run_at = utcnow() + backoff(job.attempts)
    await _settle(
        database, [job.id], worker_id, status=JobStatus.QUEUED, run_at=run_at, last_error=error
    )
    return JobStatus.QUEUED


async def release(database: Database, job_ids: Sequence[int], worker_id: str) -> int:
    """Give unfinished jobs back to the queue without counting the attempt (a stopping worker)."""
    if not job_ids:
        return 0
    released = await _update(
        database,
        _held_by(worker_id, job_ids),
        status=JobStatus.QUEUED,
        attempts=Job.attempts - 1,
        lease_until=None,
        locked_by=None,
    )
    return len(released)


async def extend_leases(
    database: Database, job_ids: Sequence[int], worker_id: str, lease: timedelta
) -> int:
    """Renew the leases of the jobs we are still running."""
    if not job_ids:
        return 0
    extended = await _update(database, _held_by(worker_id, job_ids), lease_until=utcnow() + lease)
    return len(extended)


async def recover_expired_leases(database: Database) -> list[int]:
    """Jobs whose worker died: back to the queue (the attempt counts), or failed if it was the
    last one. Returns their ids."""
    now = utcnow()
    expired = (
        Job.status == JobStatus.RUNNING,
        Job.lease_until.is_not(None),
        Job.lease_until < now,
    )
    async with database.transaction() as session:
        exhausted = await session.scalars(
            update(Job)
            .where(*expired, Job.attempts >= Job.max_attempts)
            .values(
                status=JobStatus.FAILED,
                last_error=LEASE_EXPIRED,
                finished_at=now,
                lease_until=None,
                locked_by=None,
            )
            .returning(Job.id)
        )
        ids = list(exhausted.all())
        requeued = await session.scalars(
            update(Job)
            .where(*expired)
            .values(
                status=JobStatus.QUEUED, last_error=LEASE_EXPIRED, lease_until=None, locked_by=None
            )
            .returning(Job.id)
        )
        ids.extend(requeued.all())
    return sorted(ids)


def backoff(attempt: int) -> timedelta:
    """Wait before the next attempt: 10 s, 20 s, 40 s ... up to an hour, plus up to 25% jitter
    so that jobs that failed together do not all come back together."""
    seconds = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** min(max(attempt - 1, 0), 20))
    return timedelta(seconds=seconds * random.uniform(1.0, 1.25))  # noqa: S311 - not a secret


def _held_by(worker_id: str, job_ids: Sequence[int]) -> list[ColumnElement[bool]]:
    return [Job.id.in_(job_ids), Job.status == JobStatus.RUNNING, Job.locked_by == worker_id]


async def _settle(
    database: Database, job_ids: Sequence[int], worker_id: str, **values: Any
) -> bool:
    values |= {"lease_until": None, "locked_by": None}
    return bool(await _update(database, _held_by(worker_id, job_ids), **values))


async def _update(
    database: Database, where: Sequence[ColumnElement[bool]], **values: Any
) -> list[int]:
    async with database.transaction() as session:
        result = await session.scalars(update(Job).where(*where).values(**values).returning(Job.id))
        return list(result.all())
