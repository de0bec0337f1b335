"""What the emulated Pinterest knows: accounts, apps, grants and tokens, boards, pins, media.

Pydantic models so the whole state is one JSON document (see ``persistence.py``). Ids are digit
strings, as Pinterest's are; times are aware UTC datetimes from the sandbox clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

AccountType = Literal["PINNER", "BUSINESS"]
BoardPrivacy = Literal["PUBLIC", "PROTECTED", "SECRET"]
PinMediaType = Literal["image", "video", "multiple_images"]
CreativeType = Literal["REGULAR", "VIDEO", "CAROUSEL"]

CREATIVE_TYPES: dict[PinMediaType, CreativeType] = {
    "image": "REGULAR",
    "video": "VIDEO",
    "multiple_images": "CAROUSEL",
}

#: Every OAuth scope Pinterest defines (securitySchemes.pinterest_oauth2).
ALL_SCOPES: tuple[str, ...] = (
    "ads:read",
    "ads:write",
    "billing:read",
    "billing:write",
    "biz_access:read",
    "biz_access:write",
    "boards:read",
    "boards:read_secret",
    "boards:write",
    "boards:write_secret",
    "catalogs:read",
    "catalogs:write",
    "msot:write",
    "pins:read",
    "pins:read_secret",
    "pins:write",
    "pins:write_secret",
    "user_accounts:read",
    "user_accounts:write",
)


class Entity(BaseModel):
    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")


class SandboxUser(Entity):
    id: str
    username: str
    account_type: AccountType = "BUSINESS"
    business_name: str | None = None
    about: str = ""
    website_url: str = ""
    profile_image: str = ""
    monthly_views: int = 0
    created_at: datetime
    following_user_ids: list[str] = Field(default_factory=list)
    following_board_ids: list[str] = Field(default_factory=list)


class Client(Entity):
    """A Pinterest app (OAuth client); ``removed`` apps' tokens stop working."""

    client_id: str
    client_secret: str
    redirect_uris: list[str] = Field(default_factory=list)
    removed: bool = False


class Grant(Entity):
    """One user's consent to one app: the tokens issued from it share its fate on revocation."""

    id: str
    user_id: str
    client_id: str
    scopes: list[str]
    created_at: datetime
    revoked: bool = False


class AuthorizationCode(Entity):
    code: str
    client_id: str
    user_id: str
    redirect_uri: str
    scopes: list[str]
    expires_at: datetime
    used: bool = False


class AccessToken(Entity):
    token: str
    grant_id: str
    scopes: list[str]
    expires_at: datetime
    revoked: bool = False


class RefreshToken(Entity):
    token: str
    grant_id: str
    expires_at: datetime
    revoked: bool = False


class Board(Entity):
    id: str
    owner_id: str
    name: str
    description: str | None = None
    privacy: BoardPrivacy = "PUBLIC"
    is_ads_only: bool = False
    created_at: datetime
    pins_modified_at: datetime


class Section(Entity):
    id: str
    board_id: str
    name: str
    created_at: datetime


class StoredFile(Entity):
    """Bytes the sandbox serves itself: images sent as base64, uploaded videos."""

    id: str
    content_type: str
    data: bytes


class PinImage(Entity):
    """One picture of a pin: a URL as given, or a file the sandbox serves at ``/_sandbox/files``."""

    url: str | None = None
    file_id: str | None = None
    width: int | None = None
    height: int | None = None
    title: str | None = None
    description: str | None = None
    link: str | None = None


class PinVideo(Entity):
    media_id: str
    cover: PinImage


class Pin(Entity):
    id: str
    owner_id: str
    board_id: str
    section_id: str | None = None
    title: str | None = None
    description: str | None = None
    link: str | None = None
    alt_text: str | None = None
    dominant_color: str | None = None
    parent_pin_id: str | None = None
    is_standard: bool = True
    media_type: PinMediaType = "image"
    images: list[PinImage] = Field(default_factory=list)
    video: PinVideo | None = None
    created_at: datetime

    @property
    def creative_type(self) -> CreativeType:
        return CREATIVE_TYPES[self.media_type]


class Media(Entity):
    """A registered video upload (``POST /v5/media``) and what was uploaded for it."""

    id: str
    owner_id: str
    media_type: Literal["video"] = "video"
    created_at: datetime
    upload_key: str
    upload_secret: str
    uploaded_at: datetime | None = None
    file_id: str | None = None
    is_video: bool = False


class SandboxState(Entity):
    """Everything that survives a restart (rate-limit windows and faults do not)."""

    next_id: int = 549_755_813_888_000_001
    users: dict[str, SandboxUser] = Field(default_factory=dict)
    clients: dict[str, Client] = Field(default_factory=dict)
    grants: dict[str, Grant] = Field(default_factory=dict)
    codes: dict[str, AuthorizationCode] = Field(default_factory=dict)
    access_tokens: dict[str, AccessToken] = Field(default_factory=dict)
    refresh_tokens: dict[str, RefreshToken] = Field(default_factory=dict)
    boards: dict[str, Board] = Field(default_factory=dict)
    sections: dict[str, Section] = Field(default_factory=dict)
    pins: dict[str, Pin] = Field(default_factory=dict)
    media: dict[str, Media] = Field(default_factory=dict)
    files: dict[str, StoredFile] = Field(default_factory=dict)


@dataclass(frozen=True)
class TokenPair:
    """What ``POST /v5/oauth/token`` hands out, for tests that skip the OAuth dance."""

    access_token: str
    refresh_token: str
    scopes: tuple[str, ...]
    user_id: str
    client_id: str
    access_token_expires_at: datetime
    refresh_token_expires_at: datetime

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}
