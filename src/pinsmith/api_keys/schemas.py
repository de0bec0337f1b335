from __future__ import annotations

from datetime import datetime

from pydantic import Field

from pinsmith.kit.schemas import Input, Output


class ApiKeyCreate(Input):
    name: str = Field(min_length=1, max_length=100, description='A label, e.g. "n8n" or "Zapier"')


class ApiKey(Output):
    """Metadata only: the secret is never returned after creation."""

    id: int
    name: str
    display_id: str
    is_active: bool
    last_used_at: datetime | None
    created_at: datetime


class ApiKeyCreated(ApiKey):
    secret_key: str = Field(description="Shown once: only its hash is stored.")
