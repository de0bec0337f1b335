"""The worker: claims due jobs, runs their handlers, records how each ended.

One dispatcher loop claims as many jobs as there are free slots (``concurrency``) and runs each in
its own asyncio task. It goes back to the table when something wakes it:

- a commit in this process that enqueued a job (``queue.notify``, an ``asyncio.Event``);
- on PostgreSQL, ``NOTIFY pinsmith_jobs`` from any process on any machine (``LISTEN``);
- a job of its own finishing (a slot is free);
- otherwise every ``poll_seconds``, which also catches jobs whose ``run_at`` has come.

A side task renews the leases of the running jobs every third of the lease and puts back the jobs
of workers that died (expired leases). ``stop()`` (SIGTERM in the CLI, shutdown of the server)
stops claiming, lets running jobs finish for ``grace_seconds`` and releases the others to the
queue without counting their attempt.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Mapping
from contextlib import suppress
from datetime import timedelta
from typing import Any

from pinsmith.config import Settings
from pinsmith.kit.db import Database
from pinsmith.models import Job, JobStatus
from pinsmith.worker import queue
from pinsmith.worker.registry import (
    JobContext,
    Registry,
    WorkerContext,
    load_task_modules,
    registry,
)

logger = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 2000
RELISTEN_SECONDS = 5.0


class Worker:
    def __init__(
        self,
        database: Database,
        *,
        concurrency: int = 4,
        poll_seconds: float = 1.0,
        lease_seconds: float = 300,
        grace_seconds: float = 8.0,
        tasks: Registry = registry,
        worker_id: str | None = None,
        wake_on_commit: bool = True,
        listen: bool = True,
        settings: Settings | None = None,
        services: Mapping[str, object] | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be 1 or more")
        self.database = database
        self.settings = settings
        # Long-lived helpers the app shares with its tasks (e.g. "pinterest": PinterestAccess).
        self.services: Mapping[str, object] = services or {}
        self.concurrency = concurrency
        self.poll_seconds = poll_seconds
        self.lease = timedelta(seconds=lease_seconds)
        self.grace_seconds = grace_seconds
        self.tasks = tasks
        self.id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.wake_on_commit = wake_on_commit
        self.listen = listen and not database.is_sqlite
        self.ready = asyncio.Event()  # set once it waits for wake-ups (tests wait for it)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._listening = asyncio.Event()
        self._running: dict[int, asyncio.Task[None]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._periodic_due: dict[str, float] = {}

    @classmethod
    def from_settings(
        cls,
        database: Database,
        settings: Settings,
        *,
        concurrency: int | None = None,
        services: Mapping[str, object] | None = None,
    ) -> Worker:
        return cls(
            database,
            concurrency=concurrency or settings.worker_concurrency,
            poll_seconds=settings.worker_poll_seconds,
            lease_seconds=settings.worker_lease_seconds,
            grace_seconds=settings.worker_grace_seconds,
            settings=settings,
            services=services,
        )

    # -- lifecycle ---------------------------------------------------------------------------

    async def run(self) -> None:
        """Claim and run jobs until ``stop()``; then finish or release what it holds."""
        self._loop = asyncio.get_running_loop()
        load_task_modules()
        if self.wake_on_commit:
            queue.add_waker(self.wake)
        helpers = [asyncio.create_task(self._maintain(), name=f"worker {self.id} leases")]
        if self.listen:
            helpers.append(asyncio.create_task(self._listen(), name=f"worker {self.id} listen"))
            await self._listening.wait()
        logger.info("worker %s started: %d at once", self.id, self.concurrency)
        try:
            while not self._stopping.is_set():
                self._wake.clear()
                await self._run_periodic()
                await self._claim_and_start()
                self.ready.set()
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._next_wait())
        finally:
            queue.remove_waker(self.wake)
            self._stopping.set()
            await self._finish_or_release()
            for helper in helpers:
                helper.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
            logger.info("worker %s stopped", self.id)

    def _next_wait(self) -> float:
        """Until the next poll, or sooner when periodic work comes due before it."""
        now = asyncio.get_running_loop().time()
        due = [self._periodic_due.get(name, now) - now for name in self.tasks.periodic]
        return max(0.0, min([self.poll_seconds, *due]))

    async def _run_periodic(self) -> None:
        """The registered periodic work whose time has come (a failure is logged, not fatal)."""
        now = asyncio.get_running_loop().time()
        context = WorkerContext(self.database, self.settings, self.services)
        for periodic in list(self.tasks.periodic.values()):
            if now < self._periodic_due.get(periodic.name, 0.0):
                continue
            # On a steady beat; a round that overran starts the beat again from now.
            beat = self._periodic_due.get(periodic.name, now) + periodic.seconds
            self._periodic_due[periodic.name] = beat if beat > now else now + periodic.seconds
            try:
                await periodic.run(context)
            except Exception:
                logger.exception("periodic work %s failed", periodic.name)

    def stop(self) -> None:
        """Stop claiming; ``run()`` returns once running jobs are finished or released."""
        self._stopping.set()
        self._wake.set()

    async def start(self) -> None:
        """Run in the background (the server's embedded worker) until ``close()``."""
        self._task = asyncio.create_task(self.run(), name=f"worker {self.id}")
        ready = asyncio.create_task(self.ready.wait())
        await asyncio.wait({self._task, ready}, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        if self._task.done():
            self._task.result()  # it failed to start: say why

    async def close(self) -> None:
        self.stop()
        if self._task is not None:
            await self._task

    def wake(self) -> None:
        """Look at the table now (from any thread)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._wake.set()
        else:
            loop.call_soon_threadsafe(self._wake.set)

    @property
    def running_job_ids(self) -> list[int]:
        return sorted(self._running)

    async def run_due(self) -> int:
        """Claim and run due jobs until none is left, then return how many ran (tests, tools)."""
        count = 0
        while jobs := await queue.claim(
            self.database, self.id, limit=self.concurrency, lease=self.lease
        ):
            await asyncio.gather(*(self._execute(job) for job in jobs))
            count += len(jobs)
        return count

    # -- the work ----------------------------------------------------------------------------

    async def _claim_and_start(self) -> None:
        free = self.concurrency - len(self._running)
        if free <= 0:
            return
        try:
            jobs = await queue.claim(self.database, self.id, limit=free, lease=self.lease)
        except Exception:
            logger.exception("worker %s: claiming jobs failed; trying again", self.id)
            return
        for job in jobs:
            self._running[job.id] = asyncio.create_task(
                self._execute(job), name=f"job {job.id} {job.kind}"
            )

    async def _execute(self, job: Job) -> None:
        try:
            handler = self.tasks.get(job.kind)
            if handler is None:
                error = f"unknown task kind {job.kind!r}: no handler is registered for it"
                logger.error("job %d: %s", job.id, error)
                await queue.fail(self.database, job, self.id, error)
                return
            try:
                await handler(
                    JobContext(self.database, job, self.settings, self.services), job.payload
                )
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
                outcome = await queue.retry(self.database, job, self.id, error)
                logger.warning(
                    "job %d (%s) attempt %d/%d failed (%s): %s",
                    job.id,
                    job.kind,
                    job.attempts,
                    job.max_attempts,
                    "gave up" if outcome is JobStatus.FAILED else "will retry",
                    error,
                    exc_info=exc,
                )
            else:
                await queue.finish(self.database, job, self.id)
        except Exception:
            # Recording the outcome failed (the database went away): the lease will expire and
            # the job will run again.
            logger.exception("job %d: recording its outcome failed", job.id)
        finally:
            self._running.pop(job.id, None)
            self._wake.set()  # a slot is free

    async def _finish_or_release(self) -> None:
        held = dict(self._running)
        if not held:
            return
        _, pending = await asyncio.wait(held.values(), timeout=self.grace_seconds)
        unfinished = [job_id for job_id, job_task in held.items() if job_task in pending]
        for job_task in pending:
            job_task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        try:
            released = await queue.release(self.database, unfinished, self.id)
        except Exception:
            logger.exception("worker %s: releasing jobs %s failed", self.id, unfinished)
        else:
            if released:
                logger.info("worker %s released %d unfinished job(s)", self.id, released)

    async def _maintain(self) -> None:
        """Renew our leases; put back the jobs of dead workers."""
        interval = max(1.0, self.lease.total_seconds() / 3)
        while True:
            try:
                recovered = await queue.recover_expired_leases(self.database)
                if recovered:
                    logger.warning("recovered jobs with expired leases: %s", recovered)
                    self._wake.set()
                await queue.extend_leases(self.database, list(self._running), self.id, self.lease)
            except Exception:
                logger.exception("worker %s: lease upkeep failed; trying again", self.id)
            await asyncio.sleep(interval)

    async def _listen(self) -> None:
        """PostgreSQL: LISTEN on one connection of our own; on trouble, poll and listen again."""
        while not self._stopping.is_set():
            try:
                async with self.database.engine.connect() as connection:
                    raw = await connection.get_raw_connection()
                    driver: Any = raw.driver_connection
                    await driver.add_listener(queue.CHANNEL, self._on_notification)
                    self._listening.set()
                    try:
                        while not self._stopping.is_set() and not driver.is_closed():
                            with suppress(TimeoutError):
                                await asyncio.wait_for(self._stopping.wait(), RELISTEN_SECONDS)
                    finally:
                        if not driver.is_closed():
                            await driver.remove_listener(queue.CHANNEL, self._on_notification)
            except Exception:
                logger.warning(
                    "worker %s: LISTEN %s failed; polling every %s s meanwhile",
                    self.id,
                    queue.CHANNEL,
                    self.poll_seconds,
                    exc_info=True,
                )
                self._listening.set()
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), RELISTEN_SECONDS)

    def _on_notification(self, *_: object) -> None:
        self._wake.set()
