"""Pin Generator's credits, spent in one statement so that two calls at once cannot overspend."""

from __future__ import annotations

from sqlalchemy import or_, update

from pinsmith.kit.repository import Repository
from pinsmith.models import User


class CreditRepository(Repository[User]):
    model = User

    async def spend_one(self, user_id: int) -> bool:
        """Take one credit if the user has one left; True when taken (or credits are unlimited).

        ``NULL - 1`` is ``NULL`` in SQL, so an unlimited account (``credits`` NULL) matches and
        stays unlimited in the same statement; a balance of 0 matches nothing.
        """
        statement = (
            update(User)
            .where(User.id == user_id, or_(User.credits.is_(None), User.credits > 0))
            .values(credits=User.credits - 1)
            .returning(User.id)
            .execution_options(synchronize_session=False)
        )
        return (await self.session.execute(statement)).scalar_one_or_none() is not None
