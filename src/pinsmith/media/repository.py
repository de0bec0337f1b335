"""Queries on hosted media files."""

from __future__ import annotations

from pinsmith.kit.repository import OwnedRepository
from pinsmith.models import MediaFile


class MediaFileRepository(OwnedRepository[MediaFile]):
    model = MediaFile

    async def get_owned_by_path(self, path: str, user_id: int) -> MediaFile | None:
        """The file at ``path`` (relative to the media dir) if ``user_id`` owns it."""
        return await self.one_or_none(self.owned_by(user_id).where(MediaFile.path == path))
