"""The worker's side of publishing: a dispatch round every second, and one job per pin."""

from __future__ import annotations

from typing import Any

from pinsmith.profiles.pinterest import PinterestAccess
from pinsmith.publishing.dispatch import PUBLISH_TASK, dispatch_due
from pinsmith.publishing.dispatch import adopt_orphans as adopt
from pinsmith.publishing.service import Publisher, ReconcileLater
from pinsmith.worker import JobContext, WorkerContext, every, task

#: Pins wait for the next round: its period bounds how late a scheduled pin leaves.
DISPATCH_SECONDS = 0.25
ORPHAN_SWEEP_SECONDS = 60.0


@every("publishing.dispatch", DISPATCH_SECONDS)
async def dispatch(context: WorkerContext) -> None:
    writes = context.settings.pinterest_writes_per_minute if context.settings else 100
    await dispatch_due(context.database, writes_per_minute=writes)


@every("publishing.adopt_orphans", ORPHAN_SWEEP_SECONDS)
async def adopt_orphans(context: WorkerContext) -> None:
    await adopt(context.database)


@task(PUBLISH_TASK)
async def publish(context: JobContext, payload: dict[str, Any]) -> None:
    """Publish the claimed pin; an outcome that cannot be checked now raises, so the job is
    tried again later (and reconciles first). On the job's last attempt no one would look
    again, so the pin goes to ``review`` instead of staying ``publishing`` for good."""
    settings = context.settings
    access = context.services.get("pinterest")
    if settings is None or not isinstance(access, PinterestAccess):
        raise RuntimeError("publishing needs a worker with settings and services['pinterest']")
    publisher = Publisher(context.database, access, settings)
    pin_id = int(payload["pin_id"])
    try:
        await publisher.publish(pin_id, claimed=True)
    except ReconcileLater as error:
        if context.job.attempts < context.job.max_attempts:
            raise
        await publisher.leave_unknown(
            pin_id,
            f"Pinterest could not be asked whether the pin was published ({error}): check "
            "the board on Pinterest, then mark this pin",
        )
