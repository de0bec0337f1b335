"""Pinterest OAuth 2.0: the authorize URL, the code exchange and the token refresh.

Authlib builds what RFC 6749 defines (the authorize URL and the form body of a token request).
The token endpoint itself is called with plain httpx rather than Authlib's
``AsyncOAuth2Client``, because that client gets in the way here: it reads Pinterest's error
body ``{"code", "message"}`` (no ``error`` key) as if it were a token, keeps the old refresh
token when an answer lacks one, computes ``expires_at`` from the wall clock, and wants its own
HTTP client (its httpx integration now also warns that it is deprecated). With httpx the
exchange shares the API client's transport and clock, and refusals become typed errors.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import httpx
from authlib.oauth2.rfc6749.parameters import (  # type: ignore[import-untyped]
    prepare_grant_uri,
    prepare_token_request,
)
from pydantic import BaseModel

from pinsmith.pinterest.errors import PinterestError, RateLimited, ReconnectRequired
from pinsmith.pinterest.tokens import AppCredentials, TokenSet
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

__all__ = ["DEFAULT_SCOPES", "PinterestOAuth", "authorize_url"]

# What pinsmith needs: read and write boards and pins (secret ones too), read the account.
DEFAULT_SCOPES: tuple[str, ...] = (
    "boards:read",
    "boards:write",
    "boards:read_secret",
    "boards:write_secret",
    "pins:read",
    "pins:write",
    "pins:read_secret",
    "pins:write_secret",
    "user_accounts:read",
)


def authorize_url(
    client_id: str,
    redirect_uri: str,
    state: str,
    scopes: Sequence[str] = DEFAULT_SCOPES,
    *,
    oauth_url: str = DEFAULT_OAUTH_URL,
) -> str:
    """Where to send the user to grant access; Pinterest wants the scopes comma-separated."""
    if not state:
        raise ValueError("state must be a non-empty, unguessable value (it guards against CSRF)")
    if not scopes:
        raise ValueError("at least one scope is needed")
    return str(
        prepare_grant_uri(
            oauth_url,
            client_id,
            "code",
            redirect_uri=redirect_uri,
            scope=",".join(scopes),
            state=state,
        )
    )


class _TokenAnswer(BaseModel):
    """Pinterest's ``OauthAccessTokenResponse`` (the fields we keep)."""

    access_token: str
    expires_in: int
    scope: str = ""
    refresh_token: str | None = None
    refresh_token_expires_in: int | None = None
    refresh_token_expires_at: int | None = None

    def token_set(self, *, now: datetime) -> TokenSet:
        refresh_expires: datetime | None = None
        if self.refresh_token_expires_in is not None:
            refresh_expires = now + timedelta(seconds=self.refresh_token_expires_in)
        elif self.refresh_token_expires_at is not None:
            refresh_expires = datetime.fromtimestamp(self.refresh_token_expires_at, UTC)
        return TokenSet(
            access_token=self.access_token,
            refresh_token=self.refresh_token,
            expires_at=now + timedelta(seconds=self.expires_in),
            refresh_token_expires_at=refresh_expires,
            scopes=tuple(s for s in self.scope.replace(",", " ").split() if s),
        )


class PinterestOAuth(HttpOwner):
    """Pinterest's OAuth endpoints for one app.

    Both grants send ``continuous_refresh=true``: apps created before 2025-09-25 otherwise get
    the legacy refresh token that Pinterest no longer supports. Neither call is retried: a code
    is single-use and a refresh may rotate the refresh token.
    """

    def __init__(
        self,
        app: AppCredentials,
        *,
        api_url: str = DEFAULT_API_URL,
        oauth_url: str = DEFAULT_OAUTH_URL,
        http: httpx.AsyncClient | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        clock: Clock = utc_now,
    ) -> None:
        self.app = app
        self.api_url = api_url.rstrip("/")
        self.oauth_url = oauth_url
        self._owns_http = http is None
        self._http = http if http is not None else httpx.AsyncClient(timeout=timeout)
        self._timeout = timeout
        self._clock = clock

    def authorize_url(
        self, redirect_uri: str, state: str, scopes: Sequence[str] = DEFAULT_SCOPES
    ) -> str:
        return authorize_url(
            self.app.client_id, redirect_uri, state, scopes, oauth_url=self.oauth_url
        )

    async def exchange_code(self, code: str, redirect_uri: str) -> TokenSet:
        """Trade the code from the redirect for tokens; ``redirect_uri`` must match authorize's.

        A refused code raises the typed error for Pinterest's answer (e.g. :class:`BadRequest`).
        """
        return await self._token_request("authorization_code", code=code, redirect_uri=redirect_uri)

    async def refresh(self, refresh_token: str) -> TokenSet:
        """New tokens for the refresh token; the answer's refresh token replaces the old one.

        A refusal (any 4xx but 429) raises :class:`ReconnectRequired` with Pinterest's message;
        timeouts, 5xx and 429 raise as usual, since trying again later may work.
        """
        try:
            fresh = await self._token_request("refresh_token", refresh_token=refresh_token)
        except PinterestError as exc:
            if not _is_refusal(exc):
                raise
            raise ReconnectRequired(
                exc.message, status=exc.status, code=exc.code, request_id=exc.request_id
            ) from exc
        if fresh.refresh_token is None:  # the spec requires one; never lose the old one
            fresh = fresh.model_copy(update={"refresh_token": refresh_token})
        return fresh

    async def _token_request(self, grant_type: str, **fields: str) -> TokenSet:
        body = str(prepare_token_request(grant_type, continuous_refresh="true", **fields))
        request = self._http.build_request(
            "POST",
            f"{self.api_url}/oauth/token",
            content=body.encode(),
            headers={
                "Authorization": _basic_auth(self.app),
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            timeout=self._timeout,
        )
        response = await send(self._http, request, now=self._clock)
        return parse_body(_TokenAnswer, response).token_set(now=self._clock())


def _basic_auth(app: AppCredentials) -> str:
    pair = f"{app.client_id}:{app.client_secret}".encode()
    return f"Basic {base64.b64encode(pair).decode('ascii')}"


def _is_refusal(error: PinterestError) -> bool:
    """A 4xx other than 429: Pinterest will not take this refresh token again."""
    status = error.status
    return status is not None and 400 <= status < 500 and not isinstance(error, RateLimited)
