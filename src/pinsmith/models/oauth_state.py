from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pinsmith.models.base import Base, CreatedAt


class OAuthState(CreatedAt, Base):
    """A login in progress: the nonce inside the signed ``state``, usable once.

    ``connect_user_id`` is set when a signed-in user is connecting a further profile.
    """

    __tablename__ = "oauth_states"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    connect_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None
    )
