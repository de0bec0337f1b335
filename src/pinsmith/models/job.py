from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pinsmith.kit.time import utcnow
from pinsmith.models.base import Base, CreatedAt
from pinsmith.models.enums import string_enum

DEFAULT_MAX_ATTEMPTS = 5


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(CreatedAt, Base):
    """A unit of background work, enqueued in the transaction of the change that caused it.

    ``kind`` names the registered task (``"webhooks.deliver"``). A claim sets ``running``, counts
    an attempt and takes a lease (``lease_until``, ``locked_by``); a lease that expires means the
    worker died, and the job goes back to the queue.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        # The claim: due queued jobs in run_at order; lease recovery: running jobs by lease.
        Index("ix_jobs_status_run_at", "status", "run_at"),
        Index("ix_jobs_status_lease_until", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[JobStatus] = mapped_column(
        string_enum(JobStatus, "job_status"), default=JobStatus.QUEUED
    )
    run_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=DEFAULT_MAX_ATTEMPTS)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    locked_by: Mapped[str | None] = mapped_column(String(128), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
