"""Queries on custom templates."""

from __future__ import annotations

from collections.abc import Sequence

from pinsmith.kit.repository import OwnedRepository
from pinsmith.models import CustomTemplate


class CustomTemplateRepository(OwnedRepository[CustomTemplate]):
    model = CustomTemplate
    noun = "Template"

    async def list_for_user(self, user_id: int) -> Sequence[CustomTemplate]:
        return await self.all(self.owned_by(user_id).order_by(CustomTemplate.id))

    async def count_for_user(self, user_id: int) -> int:
        return await self.count(self.owned_by(user_id))
