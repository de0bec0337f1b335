"""``Sandbox``: the emulator's state and the seeding/inspection API that tests and the demo use.

Reachable as ``app.state.sandbox``. The HTTP routes apply Pinterest's rules (validation,
ownership, scopes) and then call the plain storage methods here, so a test can build a world in a
few lines (``add_user``, ``add_client``, ``issue_tokens``, ``add_board``...) and then check what
the API did (``pins_on_board``...).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pinsmith.sandbox.config import SandboxConfig
from pinsmith.sandbox.entities import (
    ALL_SCOPES,
    AccessToken,
    AccountType,
    AuthorizationCode,
    Board,
    BoardPrivacy,
    Client,
    Grant,
    Media,
    Pin,
    PinImage,
    RefreshToken,
    SandboxState,
    SandboxUser,
    Section,
    StoredFile,
    TokenPair,
)
from pinsmith.sandbox.faults import ActiveFault, FaultInjector, FaultRule
from pinsmith.sandbox.persistence import SnapshotStore
from pinsmith.sandbox.ratelimits import RateLimiter

MediaStatus = Literal["registered", "processing", "succeeded", "failed"]


def _newest_first(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=lambda item: int(item.id), reverse=True)


def _oldest_first(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=lambda item: int(item.id))


class Sandbox:
    """The emulated Pinterest: one instance per app, in memory, optionally saved to SQLite."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self._store = SnapshotStore(self.config.state_path) if self.config.state_path else None
        loaded = self._store.load() if self._store else None
        self.state = loaded or SandboxState()
        self.faults = FaultInjector(self.config.drop_seconds)
        self.faults.add_all(self.config.faults)
        self.rate_limiter = RateLimiter(self.config.rate_limits, self.config.rate_limit_window)
        for client in self.config.clients:
            self.add_client(client.client_id, client.client_secret, client.redirect_uris)
        for seed in self.config.users:
            if self.user_by_username(seed.username) is None:
                user = self.add_user(seed.username, account_type=seed.account_type)
                for name in seed.boards:
                    self.add_board(user.id, name)

    # -- time, ids, persistence ------------------------------------------------------------

    def now(self) -> datetime:
        """The sandbox clock (``config.clock``), always aware UTC."""
        value = self.config.clock()
        if value.tzinfo is None:
            raise ValueError("the sandbox clock must return timezone-aware datetimes")
        return value.astimezone(UTC)

    async def sleep(self, seconds: float) -> None:
        await self.config.sleep(seconds)

    def new_id(self) -> str:
        value = self.state.next_id
        self.state.next_id += 1
        return str(value)

    def commit(self) -> None:
        """Save the state when ``state_path`` is set (called after every change)."""
        if self._store is not None:
            self._store.save(self.state)

    def counts(self) -> dict[str, int]:
        state = self.state
        return {
            "users": len(state.users),
            "clients": len([c for c in state.clients.values() if not c.removed]),
            "boards": len(state.boards),
            "sections": len(state.sections),
            "pins": len(state.pins),
            "media": len(state.media),
            "access_tokens": len(state.access_tokens),
            "refresh_tokens": len(state.refresh_tokens),
            "faults": len(self.faults.active()),
        }

    # -- accounts --------------------------------------------------------------------------

    def add_user(
        self,
        username: str,
        *,
        account_type: AccountType = "BUSINESS",
        business_name: str | None = None,
        about: str = "",
        website_url: str = "",
        profile_image: str = "",
        monthly_views: int = 0,
    ) -> SandboxUser:
        """A Pinterest account. Usernames are unique and never all digits (as on Pinterest)."""
        if not username or username.isdigit() or "/" in username:
            raise ValueError(f"invalid Pinterest username {username!r}")
        if self.user_by_username(username) is not None:
            raise ValueError(f"username {username!r} is taken")
        if business_name is None and account_type == "BUSINESS":
            business_name = username
        user = SandboxUser(
            id=self.new_id(),
            username=username,
            account_type=account_type,
            business_name=business_name,
            about=about,
            website_url=website_url,
            profile_image=profile_image,
            monthly_views=monthly_views,
            created_at=self.now(),
        )
        self.state.users[user.id] = user
        self.commit()
        return user

    def user(self, user_id: str) -> SandboxUser | None:
        return self.state.users.get(user_id)

    def user_by_username(self, username: str) -> SandboxUser | None:
        return next((u for u in self.state.users.values() if u.username == username), None)

    def users(self) -> list[SandboxUser]:
        return _oldest_first(self.state.users.values())

    def follow(self, user_id: str, username: str) -> SandboxUser:
        """``user_id`` follows ``username``; returns the followed account."""
        followed = self.user_by_username(username)
        if followed is None:
            raise KeyError(f"no sandbox user {username!r}")
        follower = self._user(user_id)
        if followed.id == follower.id:
            raise ValueError("a user cannot follow themselves")
        if followed.id not in follower.following_user_ids:
            follower.following_user_ids.append(followed.id)
            self.commit()
        return followed

    def follow_board(self, user_id: str, board_id: str) -> None:
        follower = self._user(user_id)
        if board_id not in self.state.boards:
            raise KeyError(f"no sandbox board {board_id}")
        if board_id not in follower.following_board_ids:
            follower.following_board_ids.append(board_id)
            self.commit()

    def followers_of(self, user_id: str) -> list[SandboxUser]:
        return [u for u in self.users() if user_id in u.following_user_ids]

    def following_of(self, user_id: str) -> list[SandboxUser]:
        ids = self._user(user_id).following_user_ids
        return [self.state.users[i] for i in ids if i in self.state.users]

    def _user(self, user_id: str) -> SandboxUser:
        user = self.user(user_id)
        if user is None:
            raise KeyError(f"no sandbox user {user_id}")
        return user

    # -- apps and tokens -------------------------------------------------------------------

    def add_client(
        self, client_id: str, client_secret: str, redirect_uris: Iterable[str]
    ) -> Client:
        """Register (or re-register) a Pinterest app."""
        client = Client(
            client_id=client_id, client_secret=client_secret, redirect_uris=list(redirect_uris)
        )
        self.state.clients[client_id] = client
        self.commit()
        return client

    def remove_client(self, client_id: str) -> None:
        """Delete an app: every token issued to it stops working at once."""
        client = self.state.clients.get(client_id)
        if client is None:
            raise KeyError(f"no sandbox client {client_id!r}")
        client.removed = True
        self.commit()

    def client(self, client_id: str) -> Client | None:
        client = self.state.clients.get(client_id)
        return None if client is None or client.removed else client

    def issue_tokens(
        self, user_id: str, client_id: str, scopes: Iterable[str] = ALL_SCOPES
    ) -> TokenPair:
        """A fresh grant with an access and a refresh token, as if the user had said Allow."""
        self._user(user_id)
        if self.client(client_id) is None:
            raise KeyError(f"no sandbox client {client_id!r}")
        grant = Grant(
            id=self.new_id(),
            user_id=user_id,
            client_id=client_id,
            scopes=list(dict.fromkeys(scopes)),
            created_at=self.now(),
        )
        self.state.grants[grant.id] = grant
        return self.tokens_for(grant)

    def tokens_for(self, grant: Grant, scopes: Iterable[str] | None = None) -> TokenPair:
        """A new access token (``scopes`` narrows it) and a new refresh token for ``grant``."""
        now = self.now()
        access = AccessToken(
            token=f"pina_{secrets.token_urlsafe(32)}",
            grant_id=grant.id,
            scopes=list(scopes) if scopes is not None else list(grant.scopes),
            expires_at=now + timedelta(seconds=self.config.access_token_lifetime),
        )
        refresh = RefreshToken(
            token=f"pinr_{secrets.token_urlsafe(32)}",
            grant_id=grant.id,
            expires_at=now + timedelta(seconds=self.config.refresh_token_lifetime),
        )
        self.state.access_tokens[access.token] = access
        self.state.refresh_tokens[refresh.token] = refresh
        self.commit()
        return TokenPair(
            access_token=access.token,
            refresh_token=refresh.token,
            scopes=tuple(access.scopes),
            user_id=grant.user_id,
            client_id=grant.client_id,
            access_token_expires_at=access.expires_at,
            refresh_token_expires_at=refresh.expires_at,
        )

    def create_authorization_code(
        self, client_id: str, user_id: str, redirect_uri: str, scopes: Iterable[str]
    ) -> AuthorizationCode:
        code = AuthorizationCode(
            code=secrets.token_urlsafe(24),
            client_id=client_id,
            user_id=user_id,
            redirect_uri=redirect_uri,
            scopes=list(scopes),
            expires_at=self.now() + timedelta(seconds=self.config.authorization_code_lifetime),
        )
        self.state.codes[code.code] = code
        self.commit()
        return code

    # -- boards and sections ---------------------------------------------------------------

    def add_board(
        self,
        user_id: str,
        name: str,
        description: str | None = None,
        privacy: BoardPrivacy = "PUBLIC",
        *,
        is_ads_only: bool = False,
    ) -> Board:
        self._user(user_id)
        now = self.now()
        board = Board(
            id=self.new_id(),
            owner_id=user_id,
            name=name,
            description=description,
            privacy=privacy,
            is_ads_only=is_ads_only,
            created_at=now,
            pins_modified_at=now,
        )
        self.state.boards[board.id] = board
        self.commit()
        return board

    def board(self, board_id: str) -> Board | None:
        return self.state.boards.get(board_id)

    def boards_of(self, user_id: str) -> list[Board]:
        """A user's boards in the order they were made."""
        return _oldest_first(b for b in self.state.boards.values() if b.owner_id == user_id)

    def delete_board(self, board_id: str) -> None:
        """Delete a board with its sections and pins."""
        self.state.boards.pop(board_id, None)
        for section in self.sections_of(board_id):
            del self.state.sections[section.id]
        for pin in self.pins_on_board(board_id):
            del self.state.pins[pin.id]
        self.commit()

    def add_section(self, board_id: str, name: str) -> Section:
        if board_id not in self.state.boards:
            raise KeyError(f"no sandbox board {board_id}")
        section = Section(id=self.new_id(), board_id=board_id, name=name, created_at=self.now())
        self.state.sections[section.id] = section
        self.commit()
        return section

    def section(self, section_id: str) -> Section | None:
        return self.state.sections.get(section_id)

    def sections_of(self, board_id: str) -> list[Section]:
        return _oldest_first(s for s in self.state.sections.values() if s.board_id == board_id)

    def delete_section(self, section_id: str) -> None:
        """Delete a section and the pins in it (Pinterest deletes them too)."""
        section = self.state.sections.pop(section_id, None)
        if section is not None:
            for pin in self.pins_in_section(section_id):
                self.delete_pin(pin.id)
        self.commit()

    # -- pins ------------------------------------------------------------------------------

    def add_pin(
        self,
        board_id: str,
        *,
        title: str | None = None,
        description: str | None = None,
        link: str | None = None,
        alt_text: str | None = None,
        image_url: str | None = None,
        section_id: str | None = None,
    ) -> Pin:
        """Seed an image pin (``image_url``, or the sandbox's placeholder image when None)."""
        board = self.state.boards.get(board_id)
        if board is None:
            raise KeyError(f"no sandbox board {board_id}")
        image = PinImage(url=image_url) if image_url else PinImage()
        return self.store_pin(
            Pin(
                id=self.new_id(),
                owner_id=board.owner_id,
                board_id=board_id,
                section_id=section_id,
                title=title,
                description=description,
                link=link,
                alt_text=alt_text,
                images=[image],
                created_at=self.now(),
            )
        )

    def store_pin(self, pin: Pin) -> Pin:
        self.state.pins[pin.id] = pin
        self._pins_changed(pin.board_id)
        self.commit()
        return pin

    def pin(self, pin_id: str) -> Pin | None:
        return self.state.pins.get(pin_id)

    def pins_on_board(self, board_id: str) -> list[Pin]:
        """The pins on a board, newest first (what ``GET /v5/boards/{id}/pins`` lists)."""
        return _newest_first(p for p in self.state.pins.values() if p.board_id == board_id)

    def pins_in_section(self, section_id: str) -> list[Pin]:
        return _newest_first(p for p in self.state.pins.values() if p.section_id == section_id)

    def pins_of(self, user_id: str) -> list[Pin]:
        return _newest_first(p for p in self.state.pins.values() if p.owner_id == user_id)

    def move_pin(self, pin: Pin, board_id: str, section_id: str | None) -> None:
        previous = pin.board_id
        pin.board_id, pin.section_id = board_id, section_id
        self._pins_changed(previous)
        self._pins_changed(board_id)
        self.commit()

    def delete_pin(self, pin_id: str) -> None:
        pin = self.state.pins.pop(pin_id, None)
        if pin is not None:
            self._pins_changed(pin.board_id)
        self.commit()

    def _pins_changed(self, board_id: str) -> None:
        board = self.state.boards.get(board_id)
        if board is not None:
            board.pins_modified_at = self.now()

    # -- media and files -------------------------------------------------------------------

    def register_media(self, user_id: str) -> Media:
        media = Media(
            id=self.new_id(),
            owner_id=user_id,
            created_at=self.now(),
            upload_key="",
            upload_secret=secrets.token_hex(16),
        )
        media.upload_key = f"uploads/sandbox/{user_id}/video/{media.id}"
        self.state.media[media.id] = media
        self.commit()
        return media

    def media(self, media_id: str) -> Media | None:
        return self.state.media.get(media_id)

    def media_of(self, user_id: str) -> list[Media]:
        return _newest_first(m for m in self.state.media.values() if m.owner_id == user_id)

    def media_status(self, media: Media) -> MediaStatus:
        """``registered`` until uploaded, ``processing`` for ``media_processing_seconds`` of the
        sandbox clock, then ``succeeded`` (a video) or ``failed`` (anything else)."""
        if media.uploaded_at is None:
            return "registered"
        ready_at = media.uploaded_at + timedelta(seconds=self.config.media_processing_seconds)
        if self.now() < ready_at:
            return "processing"
        return "succeeded" if media.is_video else "failed"

    def store_file(self, content_type: str, data: bytes) -> StoredFile:
        stored = StoredFile(id=self.new_id(), content_type=content_type, data=data)
        self.state.files[stored.id] = stored
        self.commit()
        return stored

    def file(self, file_id: str) -> StoredFile | None:
        return self.state.files.get(file_id)

    # -- faults ----------------------------------------------------------------------------

    def add_fault(self, rule: FaultRule | dict[str, Any]) -> ActiveFault:
        """Inject a fault (same fields as ``POST /_sandbox/faults``)."""
        parsed = rule if isinstance(rule, FaultRule) else FaultRule.model_validate(rule)
        return self.faults.add(parsed)

    def clear_faults(self) -> None:
        self.faults.clear()
