"""The webhook jobs: ``webhooks.fan_out`` (one per event a webhook listens to) and
``webhooks.deliver`` (one per attempt, each enqueued for its time by the attempt before)."""

from __future__ import annotations

from typing import Any

from pinsmith.config import Settings
from pinsmith.events.service import FAN_OUT
from pinsmith.kit.crypto import SecretBox
from pinsmith.kit.time import utcnow
from pinsmith.webhooks import delivery, service
from pinsmith.worker import JobContext, task


@task(FAN_OUT)
async def fan_out(context: JobContext, payload: dict[str, Any]) -> None:
    async with context.database.transaction() as session:
        await service.fan_out(session, int(payload["event_id"]))


@task(service.DELIVER)
async def deliver(context: JobContext, payload: dict[str, Any]) -> None:
    """One attempt: read what to send, send it with no transaction open, record how it went.
    A failed attempt is not a failed job: the next attempt is already enqueued."""
    settings = _settings(context)
    async with context.database.transaction() as session:
        request = await service.start_attempt(
            session,
            SecretBox(settings.secret_keys),
            int(payload["delivery_id"]),
            int(payload["attempt"]),
        )
    if request is None:
        return
    sent_at = utcnow()
    outcome = await delivery.post(
        request, sent_at=sent_at, allow_private=settings.allow_private_urls
    )
    async with context.database.transaction() as session:
        await service.record_attempt(session, request, outcome, sent_at)


def _settings(context: JobContext) -> Settings:
    if context.settings is None:
        raise RuntimeError("webhook delivery needs the worker's settings (Worker(settings=...))")
    return context.settings
