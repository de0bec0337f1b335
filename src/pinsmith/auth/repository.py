"""Logins in progress: the single-use nonces behind OAuth ``state`` values."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from pinsmith.kit.repository import Repository
from pinsmith.models import OAuthState


class OAuthStateRepository(Repository[OAuthState]):
    model = OAuthState

    async def take(self, nonce: str) -> tuple[int | None] | None:
        """Remove the login in progress and give its ``(connect_user_id,)``, or None when it is
        unknown or already used: one DELETE, so two racing callbacks cannot both win."""
        row = (
            await self.session.execute(
                delete(OAuthState)
                .where(OAuthState.nonce == nonce)
                .returning(OAuthState.connect_user_id)
            )
        ).first()
        return None if row is None else (row[0],)

    async def forget_before(self, moment: datetime) -> None:
        await self.session.execute(delete(OAuthState).where(OAuthState.created_at < moment))
