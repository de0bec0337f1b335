from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from pinsmith.models.base import Base, CreatedAt, UserOwned


class MediaFile(CreatedAt, UserOwned, Base):
    """An image pinsmith hosts (an upload or a render), stored under the media dir.

    ``path`` and ``publish_path`` are relative to the media dir and served under ``/media/``.
    ``publish_path`` is the JPEG or PNG sent to Pinterest: the original itself when it is one of
    those two formats, a converted copy otherwise (GIF, WebP, AVIF).
    """

    __tablename__ = "media_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(255), unique=True)
    publish_path: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
