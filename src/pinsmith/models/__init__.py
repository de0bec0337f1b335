"""Every model, imported here so that Alembic and relationships see the whole schema."""

from pinsmith.models.api_key import ApiKey
from pinsmith.models.base import Base
from pinsmith.models.profile import PinterestProfile, ProfileStatus
from pinsmith.models.user import User

__all__ = ["ApiKey", "Base", "PinterestProfile", "ProfileStatus", "User"]
