"""Helpers for the worker tests: a private task registry and job factories."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from pinsmith.kit.db import Database
from pinsmith.models import Job
from pinsmith.worker import queue
from pinsmith.worker.registry import Registry


@pytest.fixture
def tasks() -> Registry:
    """Tasks registered for one test only (the app's registry stays untouched)."""
    return Registry()


async def enqueue(
    database: Database,
    kind: str = "tests.noop",
    payload: dict[str, Any] | None = None,
    **options: Any,
) -> Job:
    async with database.transaction() as session:
        return await queue.enqueue(session, kind, payload or {}, **options)


async def enqueue_many(database: Database, count: int, kind: str = "tests.noop") -> list[int]:
    async with database.transaction() as session:
        jobs = [await queue.enqueue(session, kind, {"n": n}) for n in range(count)]
    return [job.id for job in jobs]


async def job_row(database: Database, job_id: int) -> Job:
    async with database.transaction(write=False) as session:
        return (await session.execute(select(Job).where(Job.id == job_id))).scalar_one()


async def all_jobs(database: Database) -> list[Job]:
    async with database.transaction(write=False) as session:
        return list((await session.scalars(select(Job).order_by(Job.id))).all())
