from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from pinsmith.kit.time import utcnow
from pinsmith.models.base import Base, CreatedAt, UserOwned


class CustomTemplate(CreatedAt, UserOwned, Base):
    """A user's own pin template: ``spec`` is a ``TemplateSpec`` as JSON, checked when saved.

    It is referred to by its id wherever Pin Generator takes a template id (``template``).
    """

    __tablename__ = "custom_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
