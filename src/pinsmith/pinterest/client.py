"""The Pinterest API v5 client for one account: boards, sections, pins, media, analytics, search
and follows, as typed calls. How calls are authorised, refreshed and retried is in ``session``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date, timedelta
from typing import Any, Literal
from urllib.parse import quote

import httpx

from pinsmith.pinterest.media_sources import MediaSource
from pinsmith.pinterest.models import (
    Account,
    AnalyticsMetrics,
    AnalyticsReport,
    Board,
    BoardSection,
    Media,
    MediaUpload,
    Pin,
    UserSummary,
)
from pinsmith.pinterest.oauth import PinterestOAuth
from pinsmith.pinterest.retries import RetryPolicy
from pinsmith.pinterest.session import PinterestSession
from pinsmith.pinterest.tokens import AppCredentials, TokenStore
from pinsmith.pinterest.transport import (
    DEFAULT_API_URL,
    DEFAULT_OAUTH_URL,
    DEFAULT_TIMEOUT,
    Clock,
    HttpOwner,
    parse_body,
    send,
    utc_now,
)

__all__ = ["BoardPrivacy", "BoardPrivacyFilter", "PinterestClient"]

BoardPrivacy = Literal["PUBLIC", "PROTECTED", "SECRET"]
BoardUpdatePrivacy = Literal["PUBLIC", "SECRET"]  # the only values PATCH accepts
BoardPrivacyFilter = Literal["ALL", "PUBLIC", "PROTECTED", "SECRET", "PUBLIC_AND_SECRET"]
AppType = Literal["ALL", "MOBILE", "TABLET", "WEB"]


def _segment(value: str) -> str:
    """A path segment, escaped so that an id can never change the path."""
    return quote(value, safe="")


def _without_none(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


class PinterestClient(HttpOwner):
    """Pinterest API v5 for one account.

    ``tokens`` provides the account's tokens and keeps refreshed ones; ``app`` holds the app
    credentials that refresh them. ``api_url``/``oauth_url`` select Pinterest, Pinterest's
    sandbox host (``SANDBOX_API_URL``) or pinsmith's emulator. Pass ``http`` to share a client or
    a transport (the caller then closes it); ``timeout`` applies to every call either way.
    """

    def __init__(
        self,
        tokens: TokenStore,
        app: AppCredentials,
        *,
        api_url: str = DEFAULT_API_URL,
        oauth_url: str = DEFAULT_OAUTH_URL,
        http: httpx.AsyncClient | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        refresh_margin: timedelta = timedelta(minutes=5),
        clock: Clock = utc_now,
    ) -> None:
        self._owns_http = http is None
        self._http = http if http is not None else httpx.AsyncClient(timeout=timeout)
        self._timeout = timeout
        self._clock = clock
        self.oauth = PinterestOAuth(
            app,
            api_url=api_url,
            oauth_url=oauth_url,
            http=self._http,
            timeout=timeout,
            clock=clock,
        )
        self._session = PinterestSession(
            tokens,
            self.oauth,
            api_url=api_url,
            http=self._http,
            timeout=timeout,
            retry=retry or RetryPolicy(),
            refresh_margin=refresh_margin,
            clock=clock,
        )

    # -- account ------------------------------------------------------------------------------

    async def get_user_account(self) -> Account:
        return parse_body(Account, await self._session.read("/user_account"))

    # -- boards -------------------------------------------------------------------------------

    def iter_boards(self, privacy: BoardPrivacyFilter | None = None) -> AsyncIterator[Board]:
        """The account's boards, every page (250 a page)."""
        return self._session.items("/boards", Board, _without_none(privacy=privacy))

    async def list_boards(self, privacy: BoardPrivacyFilter | None = None) -> list[Board]:
        return [board async for board in self.iter_boards(privacy)]

    async def get_board(self, board_id: str) -> Board:
        return parse_body(Board, await self._session.read(f"/boards/{_segment(board_id)}"))

    async def create_board(
        self, name: str, description: str | None = None, privacy: BoardPrivacy = "PUBLIC"
    ) -> Board:
        body = _without_none(name=name, description=description, privacy=privacy)
        return parse_body(Board, await self._session.write("POST", "/boards", body))

    async def update_board(
        self,
        board_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        privacy: BoardUpdatePrivacy | None = None,
    ) -> Board:
        """Change the given fields only (Pinterest accepts PUBLIC or SECRET here)."""
        body = _without_none(name=name, description=description, privacy=privacy)
        if not body:
            raise ValueError("nothing to update: give name, description or privacy")
        path = f"/boards/{_segment(board_id)}"
        return parse_body(Board, await self._session.write("PATCH", path, body))

    async def delete_board(self, board_id: str) -> None:
        await self._session.write("DELETE", f"/boards/{_segment(board_id)}")

    # -- sections -----------------------------------------------------------------------------

    def iter_sections(self, board_id: str) -> AsyncIterator[BoardSection]:
        return self._session.items(f"/boards/{_segment(board_id)}/sections", BoardSection)

    async def list_sections(self, board_id: str) -> list[BoardSection]:
        return [section async for section in self.iter_sections(board_id)]

    async def create_section(self, board_id: str, name: str) -> BoardSection:
        path = f"/boards/{_segment(board_id)}/sections"
        return parse_body(BoardSection, await self._session.write("POST", path, {"name": name}))

    # -- pins ---------------------------------------------------------------------------------

    def iter_board_pins(self, board_id: str, section_id: str | None = None) -> AsyncIterator[Pin]:
        """A board's (or one section's) pins, newest first as Pinterest lists them.

        Stop iterating when you have seen enough: later pages are fetched only on demand.
        """
        path = f"/boards/{_segment(board_id)}"
        if section_id is not None:
            path += f"/sections/{_segment(section_id)}"
        return self._session.items(f"{path}/pins", Pin)

    async def list_board_pins(self, board_id: str, section_id: str | None = None) -> list[Pin]:
        return [pin async for pin in self.iter_board_pins(board_id, section_id)]

    async def create_pin(
        self,
        board_id: str,
        *,
        media_source: MediaSource,
        title: str | None = None,
        description: str | None = None,
        link: str | None = None,
        alt_text: str | None = None,
        board_section_id: str | None = None,
    ) -> Pin:
        """Publish a pin. Sent exactly once: on a timeout or 5xx the outcome is unknown."""
        body = _without_none(
            board_id=board_id,
            board_section_id=board_section_id,
            title=title,
            description=description,
            link=link,
            alt_text=alt_text,
            media_source=media_source.to_api(),
        )
        return parse_body(Pin, await self._session.write("POST", "/pins", body))

    async def get_pin(self, pin_id: str) -> Pin:
        return parse_body(Pin, await self._session.read(f"/pins/{_segment(pin_id)}"))

    async def update_pin(
        self,
        pin_id: str,
        *,
        title: str | None = None,
        description: str | None = None,
        link: str | None = None,
        alt_text: str | None = None,
        board_id: str | None = None,
        board_section_id: str | None = None,
    ) -> Pin:
        """Change the given fields only. Pinterest marks this endpoint beta (not for all apps)."""
        body = _without_none(
            title=title,
            description=description,
            link=link,
            alt_text=alt_text,
            board_id=board_id,
            board_section_id=board_section_id,
        )
        if not body:
            raise ValueError("nothing to update")
        path = f"/pins/{_segment(pin_id)}"
        return parse_body(Pin, await self._session.write("PATCH", path, body))

    async def delete_pin(self, pin_id: str) -> None:
        await self._session.write("DELETE", f"/pins/{_segment(pin_id)}")

    # -- media (video) ------------------------------------------------------------------------

    async def register_video(self) -> MediaUpload:
        """Step 1 of a video pin: where to upload the file."""
        response = await self._session.write("POST", "/media", {"media_type": "video"})
        return parse_body(MediaUpload, response)

    async def upload_video(
        self,
        upload: MediaUpload,
        data: bytes,
        filename: str,
        content_type: str = "video/mp4",
    ) -> None:
        """Step 2: POST the file to the presigned ``upload_url`` (S3), with every
        ``upload_parameters`` pair before the ``file`` field as S3 requires. Carries no
        Pinterest token, and like every write it is sent once.
        """
        request = self._http.build_request(
            "POST",
            upload.upload_url,
            data=dict(upload.upload_parameters),
            files={"file": (filename, data, content_type)},
            timeout=self._timeout,
        )
        await send(self._http, request, now=self._clock)

    async def get_media(self, media_id: str) -> Media:
        """Step 3: poll until ``status`` is ``succeeded`` (or ``failed``)."""
        return parse_body(Media, await self._session.read(f"/media/{_segment(media_id)}"))

    # -- analytics ----------------------------------------------------------------------------

    async def pin_analytics(
        self,
        pin_id: str,
        start_date: date,
        end_date: date,
        metric_types: Sequence[str],
        *,
        app_types: AppType | None = None,
        split_field: Literal["NO_SPLIT", "APP_TYPE"] | None = None,
    ) -> dict[str, AnalyticsMetrics]:
        """Daily, summary and lifetime metrics by split group (UTC dates, at most 90 days back)."""
        if not metric_types:
            raise ValueError("give at least one metric type")
        params = _without_none(
            start_date=start_date.isoformat(),
            end_date=end_date.isoformat(),
            metric_types=",".join(metric_types),
            app_types=app_types,
            split_field=split_field,
        )
        response = await self._session.read(f"/pins/{_segment(pin_id)}/analytics", params)
        return parse_body(AnalyticsReport, response).root

    async def account_analytics(
        self,
        start_date: date,
        end_date: date,
        *,
        metric_types: Sequence[str] | None = None,
        app_types: AppType | None = None,
        split_field: str | None = None,
        from_claimed_content: Literal["OTHER", "CLAIMED", "BOTH"] | None = None,
        pin_format: str | None = None,
        content_type: Literal["ALL", "PAID", "ORGANIC"] | None = None,
        source: Literal["ALL", "YOUR_PINS", "OTHER_PINS"] | None = None,
    ) -> dict[str, AnalyticsMetrics]:
        """The account's metrics by split group; all metric types unless some are given."""
        params = _without_none(
            start_date=start_date.isoformat(),
            end_date=end_date.isoformat(),
            metric_types=",".join(metric_types) if metric_types else None,
            app_types=app_types,
            split_field=split_field,
            from_claimed_content=from_claimed_content,
            pin_format=pin_format,
            content_type=content_type,
            source=source,
        )
        response = await self._session.read("/user_account/analytics", params)
        return parse_body(AnalyticsReport, response).root

    # -- search (the account's own boards and pins) -------------------------------------------

    def iter_search_boards(self, query: str) -> AsyncIterator[Board]:
        return self._session.items("/search/boards", Board, {"query": query})

    async def search_boards(self, query: str) -> list[Board]:
        return [board async for board in self.iter_search_boards(query)]

    def iter_search_pins(self, query: str) -> AsyncIterator[Pin]:
        # /search/pins declares no page_size: Pinterest picks the page length.
        return self._session.items("/search/pins", Pin, {"query": query}, page_size=None)

    async def search_pins(self, query: str) -> list[Pin]:
        return [pin async for pin in self.iter_search_pins(query)]

    # -- followers and following --------------------------------------------------------------

    def iter_followers(self) -> AsyncIterator[UserSummary]:
        return self._session.items("/user_account/followers", UserSummary)

    async def list_followers(self) -> list[UserSummary]:
        return [user async for user in self.iter_followers()]

    def iter_following(self) -> AsyncIterator[UserSummary]:
        return self._session.items("/user_account/following", UserSummary)

    async def list_following(self) -> list[UserSummary]:
        return [user async for user in self.iter_following()]

    def iter_following_boards(self) -> AsyncIterator[Board]:
        return self._session.items("/user_account/following/boards", Board)

    async def list_following_boards(self) -> list[Board]:
        return [board async for board in self.iter_following_boards()]

    async def follow_user(self, username: str) -> UserSummary:
        """Follow another user (beta in v5; needs the ``user_accounts:write`` scope)."""
        path = f"/user_account/following/{_segment(username)}"
        return parse_body(UserSummary, await self._session.write("POST", path, {}))
