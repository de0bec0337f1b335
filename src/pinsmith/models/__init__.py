"""Every model, imported here so that Alembic and relationships see the whole schema."""

from pinsmith.models.api_key import ApiKey
from pinsmith.models.base import Base
from pinsmith.models.collection import Collection, CollectionPin
from pinsmith.models.event import Event
from pinsmith.models.job import Job, JobStatus
from pinsmith.models.media_file import MediaFile
from pinsmith.models.oauth_state import OAuthState
from pinsmith.models.pin import Pin, PinStatus
from pinsmith.models.pin_usage import DailyPinCount
from pinsmith.models.profile import PinterestProfile, ProfileStatus
from pinsmith.models.profile_schedule import ProfileSchedule
from pinsmith.models.template import CustomTemplate
from pinsmith.models.user import User
from pinsmith.models.webhook import Webhook
from pinsmith.models.webhook_delivery import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookDeliveryAttempt,
)

__all__ = [
    "ApiKey",
    "Base",
    "Collection",
    "CollectionPin",
    "CustomTemplate",
    "DailyPinCount",
    "DeliveryStatus",
    "Event",
    "Job",
    "JobStatus",
    "MediaFile",
    "OAuthState",
    "Pin",
    "PinStatus",
    "PinterestProfile",
    "ProfileSchedule",
    "ProfileStatus",
    "User",
    "Webhook",
    "WebhookDelivery",
    "WebhookDeliveryAttempt",
]
