"""Webhooks: registration (a public http(s) URL, checked when it is given), the fan-out of an
event to the profile's webhooks, and deliveries retried on their own schedule, every attempt
logged. A webhook failing for more than three days is switched off and says why."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.config import Settings
from pinsmith.events.service import EventType, record
from pinsmith.kit.crypto import DecryptionError, SecretBox
from pinsmith.kit.errors import BadRequest, Conflict, NotFound
from pinsmith.kit.safe_http import UnsafeUrl, check_url_resolves
from pinsmith.kit.time import utcnow
from pinsmith.models import (
    DeliveryStatus,
    Event,
    PinterestProfile,
    User,
    Webhook,
    WebhookDelivery,
    WebhookDeliveryAttempt,
)
from pinsmith.profiles import service as profiles
from pinsmith.webhooks import delivery as wire
from pinsmith.webhooks.repository import DeliveryRepository, WebhookRepository
from pinsmith.webhooks.schemas import Delivery, DeliveryAttempt, WebhookCreate, WebhookUpdate
from pinsmith.webhooks.schemas import Webhook as WebhookOut
from pinsmith.worker import enqueue

logger = logging.getLogger(__name__)

DELIVER = "webhooks.deliver"
# The wait after each failed attempt: seven attempts over about 21 hours, then ``failed``.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
)
DISABLE_AFTER = timedelta(days=3)  # failing without a single success for longer: switched off
PAUSED = "The webhook is paused"


# --- the API -----------------------------------------------------------------------------------


async def list_for_user(session: AsyncSession, user: User) -> list[WebhookOut]:
    rows = await WebhookRepository(session).list_with_profiles(user.id)
    return [_out(webhook, profile) for webhook, profile in rows]


async def get(session: AsyncSession, user: User, webhook_id: int) -> WebhookOut:
    rows = await WebhookRepository(session).list_with_profiles(user.id, webhook_id)
    if not rows:
        raise NotFound("Webhook not found")
    return _out(*rows[0])


async def create(
    session: AsyncSession, box: SecretBox, settings: Settings, user: User, data: WebhookCreate
) -> WebhookOut:
    """Register a webhook for the named profile, else the selected one."""
    await _check_url(settings, data.url)
    profile = await profiles.chosen(session, user, data.profile_id)
    webhook = await WebhookRepository(session).add(
        Webhook(
            user_id=user.id,
            profile_id=profile.id,
            url=data.url,
            event=data.event.value,
            secret_encrypted=box.encrypt(data.secret) if data.secret else None,
            is_active=True,
        )
    )
    return _out(webhook, profile)


async def update(
    session: AsyncSession,
    box: SecretBox,
    settings: Settings,
    user: User,
    webhook_id: int,
    data: WebhookUpdate,
) -> WebhookOut:
    """Change the fields sent. Switching a webhook back on forgets its failures."""
    webhook = await WebhookRepository(session).require_owned(webhook_id, user.id)
    if data.url is not None:
        await _check_url(settings, data.url)
        webhook.url = data.url
    if data.event is not None:
        webhook.event = data.event.value
    if "secret" in data.model_fields_set:
        webhook.secret_encrypted = box.encrypt(data.secret) if data.secret else None
    if data.is_active is not None:
        if data.is_active and not webhook.is_active:
            webhook.failing_since, webhook.disabled_reason = None, None
        webhook.is_active = data.is_active
    await session.flush()
    return await get(session, user, webhook.id)


async def delete(session: AsyncSession, user: User, webhook_id: int) -> None:
    repository = WebhookRepository(session)
    await repository.delete(await repository.require_owned(webhook_id, user.id))


async def deliveries(
    session: AsyncSession, user: User, webhook_id: int, *, limit: int
) -> list[Delivery]:
    """The webhook's latest deliveries, newest first, each with its attempts in order."""
    webhook = await WebhookRepository(session).require_owned(webhook_id, user.id)
    repository = DeliveryRepository(session)
    rows = await repository.newest(webhook.id, limit)
    attempts = await repository.attempts_of([row.id for row, _ in rows])
    return [_delivery_out(row, event, attempts[row.id]) for row, event in rows]


async def redeliver(
    session: AsyncSession, user: User, webhook_id: int, delivery_id: int
) -> Delivery:
    """A new attempt now, whatever became of the earlier ones; if it fails, the schedule goes on
    from the delivery's attempt count."""
    webhook = await WebhookRepository(session).require_owned(webhook_id, user.id)
    found = await DeliveryRepository(session).of_webhook(webhook.id, delivery_id)
    if found is None:
        raise NotFound("Delivery not found")
    if not webhook.is_active:
        raise Conflict(f'{PAUSED}: switch it on with PUT {{"is_active": true}} first')
    found.status = DeliveryStatus.PENDING
    await _schedule(session, found, utcnow())
    await session.flush()
    event = await session.get(Event, found.event_id)
    assert event is not None  # a delivery goes with its event
    attempts = await DeliveryRepository(session).attempts_of([found.id])
    return _delivery_out(found, event.type, attempts[found.id])


# --- the worker ----------------------------------------------------------------------------------


async def fan_out(session: AsyncSession, event_id: int) -> int:
    """A delivery, due now, for each active webhook of the event's profile and type; returns how
    many. Running it twice for one event adds nothing."""
    event = await session.get(Event, event_id)
    if event is None or event.data.get("profile_id") is None:
        return 0
    webhooks = await WebhookRepository(session).listening(
        event.user_id, int(event.data["profile_id"]), event.type
    )
    repository = DeliveryRepository(session)
    done = await repository.webhook_ids_of_event(event.id)
    now = utcnow()
    created = 0
    for webhook in webhooks:
        if webhook.id in done:
            continue
        found = await repository.add(
            WebhookDelivery(
                webhook_id=webhook.id,
                event_id=event.id,
                status=DeliveryStatus.PENDING,
                attempts=0,
            )
        )
        await _schedule(session, found, now)
        created += 1
    return created


async def start_attempt(
    session: AsyncSession, box: SecretBox, delivery_id: int, attempt: int
) -> wire.Request | None:
    """What attempt ``attempt`` of the delivery sends, or None if there is nothing to send: the
    delivery is settled, another attempt overtook this one, or the webhook is off or gone."""
    found = await session.get(WebhookDelivery, delivery_id)
    if found is None or found.status is not DeliveryStatus.PENDING:
        return None
    if found.attempts + 1 != attempt:
        return None  # superseded (a redelivery took this attempt's place)
    webhook = await session.get(Webhook, found.webhook_id)
    event = await session.get(Event, found.event_id)
    if webhook is None or event is None:
        return None
    if not webhook.is_active:
        _settle(found, DeliveryStatus.FAILED, error=webhook.disabled_reason or PAUSED)
        return None
    try:
        secret = box.decrypt(webhook.secret_encrypted) if webhook.secret_encrypted else None
    except DecryptionError:
        error = "The webhook's secret cannot be decrypted with the configured keys: set it again"
        _settle(found, DeliveryStatus.FAILED, error=error)
        return None
    return wire.Request(
        delivery_id=found.id,
        attempt=attempt,
        url=webhook.url,
        body=wire.body(event.type, event.created_at, event.data),
        secret=secret,
    )


async def record_attempt(
    session: AsyncSession, request: wire.Request, outcome: wire.Outcome, at: datetime
) -> None:
    """Log the attempt; then the delivery succeeded, waits for its next attempt, or failed.
    A failure that keeps the webhook failing for more than DISABLE_AFTER switches it off."""
    found = await session.get(WebhookDelivery, request.delivery_id)
    if found is None:
        return  # the webhook was deleted meanwhile
    await DeliveryRepository(session).add_attempt(
        WebhookDeliveryAttempt(
            delivery_id=found.id,
            number=request.attempt,
            at=at,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
    )
    if found.status is not DeliveryStatus.PENDING or found.attempts + 1 != request.attempt:
        return  # another attempt settled it meanwhile: logged, nothing more
    found.attempts = request.attempt
    found.last_status_code, found.last_error = outcome.status_code, outcome.error
    webhook = await session.get(Webhook, found.webhook_id)
    assert webhook is not None  # the delivery cascades with it
    if outcome.succeeded:
        webhook.failing_since = None
        _settle(found, DeliveryStatus.SUCCEEDED, error=None)
        found.delivered_at = at
        return
    webhook.failing_since = webhook.failing_since or at
    if webhook.is_active and at - webhook.failing_since > DISABLE_AFTER:
        await _disable(session, webhook, outcome.error or "", at)
    delay = retry_delay(request.attempt)
    if delay is None or not webhook.is_active:
        _settle(found, DeliveryStatus.FAILED, error=outcome.error)
    else:
        await _schedule(session, found, at + delay)


def retry_delay(failed_attempt: int) -> timedelta | None:
    """How long after failed attempt number ``failed_attempt`` the next one runs; None: no more."""
    if 1 <= failed_attempt <= len(RETRY_DELAYS):
        return RETRY_DELAYS[failed_attempt - 1]
    return None


# --- helpers -------------------------------------------------------------------------------------


async def _check_url(settings: Settings, url: str) -> None:
    try:
        await check_url_resolves(url, allow_private=settings.allow_private_urls)
    except UnsafeUrl as exc:
        raise BadRequest(
            f"Webhook URL refused: {exc}. It must be http(s) on a public internet host"
        ) from None


async def _schedule(session: AsyncSession, found: WebhookDelivery, at: datetime) -> None:
    """Enqueue the delivery's next attempt for ``at``; an older job for it becomes a no-op."""
    found.next_attempt_at = at
    payload = {"delivery_id": found.id, "attempt": found.attempts + 1}
    await enqueue(session, DELIVER, payload, run_at=at)


def _settle(found: WebhookDelivery, status: DeliveryStatus, *, error: str | None) -> None:
    found.status, found.next_attempt_at = status, None
    if error is not None:
        found.last_error = error


async def _disable(session: AsyncSession, webhook: Webhook, error: str, at: datetime) -> None:
    assert webhook.failing_since is not None
    reason = f"Disabled after failing since {wire.iso_z(webhook.failing_since)}: last error {error}"
    webhook.is_active, webhook.disabled_reason = False, reason[:1000]
    logger.warning("webhook %d of user %d disabled: %s", webhook.id, webhook.user_id, reason)
    data = {"webhook_id": webhook.id, "url": webhook.url, "event": webhook.event, "reason": reason}
    await record(session, EventType.WEBHOOK_DISABLED, webhook.user_id, data)


def _out(webhook: Webhook, profile: PinterestProfile) -> WebhookOut:
    return WebhookOut(
        id=webhook.id,
        profile_id=profile.id,
        pinterest_user_id=profile.pinterest_user_id,
        pinterest_username=profile.username,
        url=webhook.url,
        event=webhook.event,
        is_active=webhook.is_active,
        failing_since=webhook.failing_since,
        disabled_reason=webhook.disabled_reason,
        created_at=webhook.created_at,
    )


def _delivery_out(
    found: WebhookDelivery, event: str, attempts: Sequence[WebhookDeliveryAttempt]
) -> Delivery:
    return Delivery(
        id=found.id,
        webhook_id=found.webhook_id,
        event_id=found.event_id,
        event=event,
        status=found.status,
        attempts=found.attempts,
        last_status_code=found.last_status_code,
        last_error=found.last_error,
        next_attempt_at=found.next_attempt_at,
        delivered_at=found.delivered_at,
        created_at=found.created_at,
        attempt_log=[DeliveryAttempt.model_validate(attempt) for attempt in attempts],
    )
