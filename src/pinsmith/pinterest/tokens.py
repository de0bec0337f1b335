"""An account's OAuth tokens, where they are kept, and the app credentials that refresh them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

__all__ = ["AppCredentials", "MemoryTokenStore", "TokenSet", "TokenStore"]


@dataclass(frozen=True)
class AppCredentials:
    """The Pinterest app's client id and secret (HTTP Basic auth at the token endpoint)."""

    client_id: str
    client_secret: str = field(repr=False)


class TokenSet(BaseModel):
    """One account's tokens as Pinterest issued them; times are aware UTC.

    A Pydantic model so that the owner can store it as JSON (encrypted); the tokens stay out of
    ``repr`` so they never reach a log by accident.
    """

    model_config = ConfigDict(frozen=True)

    access_token: str = Field(repr=False)
    refresh_token: str | None = Field(default=None, repr=False)
    expires_at: AwareDatetime
    refresh_token_expires_at: AwareDatetime | None = None
    scopes: tuple[str, ...] = ()

    @field_validator("expires_at", "refresh_token_expires_at")
    @classmethod
    def _in_utc(cls, moment: datetime | None) -> datetime | None:
        return moment.astimezone(UTC) if moment is not None else None

    def expires_within(self, margin: timedelta, *, now: datetime) -> bool:
        """Whether the access token is expired or will be within ``margin`` of ``now``."""
        return self.expires_at - now <= margin

    def is_expired(self, *, now: datetime) -> bool:
        return self.expires_at <= now


class TokenStore(Protocol):
    """Where one account's tokens live. pinsmith implements it over the encrypted profile row.

    ``current`` is read again before each refresh, so a store shared by several clients lets them
    see each other's refreshes; ``save`` receives every new set (always with the new refresh
    token) and must keep it durably before the client uses it.
    """

    async def current(self) -> TokenSet: ...

    async def save(self, tokens: TokenSet) -> None: ...


class MemoryTokenStore:
    """A :class:`TokenStore` in memory: for scripts, the emulator and tests."""

    def __init__(self, tokens: TokenSet) -> None:
        self.tokens = tokens

    async def current(self) -> TokenSet:
        return self.tokens

    async def save(self, tokens: TokenSet) -> None:
        self.tokens = tokens
