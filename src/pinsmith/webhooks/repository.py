from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, exists, select

from pinsmith.kit.repository import OwnedRepository, Repository
from pinsmith.models import (
    Event,
    PinterestProfile,
    Webhook,
    WebhookDelivery,
    WebhookDeliveryAttempt,
)

_LISTENED = "pinsmith.webhooks.listened"  # Session.info: (user, profile, event) -> bool


class WebhookRepository(OwnedRepository[Webhook]):
    model = Webhook
    noun = "Webhook"

    async def list_with_profiles(
        self, user_id: int, webhook_id: int | None = None
    ) -> Sequence[tuple[Webhook, PinterestProfile]]:
        statement = (
            select(Webhook, PinterestProfile)
            .join(PinterestProfile, PinterestProfile.id == Webhook.profile_id)
            .where(Webhook.user_id == user_id)
            .order_by(Webhook.id)
        )
        if webhook_id is not None:
            statement = statement.where(Webhook.id == webhook_id)
        return [(row[0], row[1]) for row in (await self.session.execute(statement)).all()]

    async def listening(self, user_id: int, profile_id: int, event: str) -> Sequence[Webhook]:
        """The active webhooks of the profile for this event type."""
        parameters = {"user_id": user_id, "profile_id": profile_id, "event": event}
        found = await self.session.execute(_LISTENING.order_by(Webhook.id), parameters)
        return found.scalars().all()

    async def is_listened_to(self, user_id: int, profile_id: int, event: str) -> bool:
        """Whether any active webhook listens (remembered for the session's lifetime: a bulk
        insert asks once per event type, not once per pin)."""
        known: dict[tuple[int, int, str], bool] = self.session.info.setdefault(_LISTENED, {})
        key = (user_id, profile_id, event)
        if key not in known:
            parameters = {"user_id": user_id, "profile_id": profile_id, "event": event}
            found = (await self.session.execute(_LISTENED_TO, parameters)).scalar()
            known[key] = bool(found)
        return known[key]


# Asked for every pin created: built once, with bound parameters.
_LISTENING = select(Webhook).where(
    Webhook.user_id == bindparam("user_id"),
    Webhook.profile_id == bindparam("profile_id"),
    Webhook.event == bindparam("event"),
    Webhook.is_active,
)
_LISTENED_TO = exists(_LISTENING).select()


class DeliveryRepository(Repository[WebhookDelivery]):
    model = WebhookDelivery

    async def of_webhook(self, webhook_id: int, delivery_id: int) -> WebhookDelivery | None:
        return await self.one_or_none(
            self.select().where(
                WebhookDelivery.webhook_id == webhook_id, WebhookDelivery.id == delivery_id
            )
        )

    async def webhook_ids_of_event(self, event_id: int) -> set[int]:
        statement = select(WebhookDelivery.webhook_id).where(WebhookDelivery.event_id == event_id)
        return set((await self.session.execute(statement)).scalars().all())

    async def newest(self, webhook_id: int, limit: int) -> Sequence[tuple[WebhookDelivery, str]]:
        """The webhook's latest deliveries, newest first, each with its event type."""
        statement = (
            select(WebhookDelivery, Event.type)
            .join(Event, Event.id == WebhookDelivery.event_id)
            .where(WebhookDelivery.webhook_id == webhook_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
        return [(row[0], row[1]) for row in (await self.session.execute(statement)).all()]

    async def attempts_of(
        self, delivery_ids: Sequence[int]
    ) -> dict[int, list[WebhookDeliveryAttempt]]:
        found: dict[int, list[WebhookDeliveryAttempt]] = {id: [] for id in delivery_ids}
        if not delivery_ids:
            return found
        statement = (
            select(WebhookDeliveryAttempt)
            .where(WebhookDeliveryAttempt.delivery_id.in_(delivery_ids))
            .order_by(WebhookDeliveryAttempt.delivery_id, WebhookDeliveryAttempt.number)
        )
        for attempt in (await self.session.execute(statement)).scalars():
            found[attempt.delivery_id].append(attempt)
        return found

    async def add_attempt(self, attempt: WebhookDeliveryAttempt) -> None:
        self.session.add(attempt)
        await self.session.flush()
