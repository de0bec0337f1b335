from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select, update

from pinsmith.kit.repository import OwnedRepository
from pinsmith.models import PinterestProfile

# Every pin created without profile_id asks for it: built once, with a bound parameter.
_SELECTED = select(PinterestProfile).where(
    PinterestProfile.user_id == bindparam("user_id"), PinterestProfile.is_selected
)


class ProfileRepository(OwnedRepository[PinterestProfile]):
    model = PinterestProfile
    noun = "Profile"

    async def list_for_user(self, user_id: int) -> Sequence[PinterestProfile]:
        return await self.all(self.owned_by(user_id).order_by(PinterestProfile.id))

    async def get_by_pinterest_id(
        self, user_id: int, pinterest_user_id: str
    ) -> PinterestProfile | None:
        statement = self.owned_by(user_id).where(
            PinterestProfile.pinterest_user_id == pinterest_user_id
        )
        return await self.one_or_none(statement)

    async def list_with_tokens(self) -> Sequence[PinterestProfile]:
        has_token = PinterestProfile.access_token_encrypted.is_not(None) | (
            PinterestProfile.refresh_token_encrypted.is_not(None)
        )
        return await self.all(self.select().where(has_token).order_by(PinterestProfile.id))

    async def get_selected(self, user_id: int) -> PinterestProfile | None:
        found = await self.session.execute(_SELECTED, {"user_id": user_id})
        return found.scalar_one_or_none()

    async def unselect_all(self, user_id: int) -> None:
        await self.session.execute(
            update(PinterestProfile)
            .where(PinterestProfile.user_id == user_id, PinterestProfile.is_selected)
            .values(is_selected=False)
        )
