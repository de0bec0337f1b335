"""pinsmith's way to Pinterest: one client per connected profile, the app's OAuth endpoints, and
the table that turns Pinterest's typed errors into the answers pinsmith's API gives."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TypedDict

import httpx

from pinsmith import pinterest
from pinsmith.config import Settings
from pinsmith.kit.crypto import SecretBox
from pinsmith.kit.db import Database
from pinsmith.kit.errors import (
    BadGateway,
    BadRequest,
    Conflict,
    Forbidden,
    GatewayTimeout,
    NotFound,
    PinsmithError,
    ServiceUnavailable,
    TooManyRequests,
)
from pinsmith.kit.time import utcnow
from pinsmith.models import PinterestProfile, ProfileStatus
from pinsmith.profiles.tokens import ProfileTokenStore, mark_needs_reconnect

RECONNECT_HINT = "reconnect it with GET /auth/login?connect=1"

#: What each Pinterest error means to pinsmith's caller, most specific class first.
ERROR_ANSWERS: tuple[tuple[type[pinterest.PinterestError], type[PinsmithError], str], ...] = (
    (pinterest.BoardNotFound, NotFound, "Board not found on this Pinterest account"),
    (pinterest.SectionNotFound, NotFound, "Board section not found"),
    (pinterest.PinNotFound, NotFound, "Pin not found on this Pinterest account"),
    (pinterest.NotFound, NotFound, "Not found on this Pinterest account"),
    # Another account's board or pin: pinsmith never says whether it exists.
    (pinterest.NotPermitted, NotFound, "Not found on this Pinterest account"),
    (
        pinterest.Unauthorized,
        Forbidden,
        "Pinterest refused the call ({message}): " + RECONNECT_HINT,
    ),
    (pinterest.BadRequest, BadRequest, "Pinterest refused the request: {message}"),
    (pinterest.Conflict, Conflict, "Pinterest refused the change for now: {message}"),
    (pinterest.ServerError, BadGateway, "Pinterest failed to answer ({message}); try again later"),
    (pinterest.UnexpectedResponse, BadGateway, "Pinterest gave an answer pinsmith cannot read"),
)


class _Endpoints(TypedDict):
    api_url: str
    oauth_url: str
    http: httpx.AsyncClient
    timeout: httpx.Timeout
    clock: Callable[[], datetime]


class PinterestAccess:
    """Builds Pinterest clients from settings; ``http`` is shared by all and closed by the app.

    ``transport`` replaces the network (tests mount the sandbox in-process).
    """

    def __init__(
        self,
        settings: Settings,
        database: Database,
        box: SecretBox,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.database = database
        self.box = box
        seconds = settings.pinterest_timeout_seconds
        self.timeout = httpx.Timeout(seconds, connect=min(5.0, seconds))
        self.http = httpx.AsyncClient(transport=transport, timeout=self.timeout)
        # One client per profile, so that concurrent requests and jobs share its refresh lock.
        self._profile_clients: dict[int, pinterest.PinterestClient] = {}

    @property
    def is_configured(self) -> bool:
        return bool(self.settings.pinterest_client_id)

    @property
    def app(self) -> pinterest.AppCredentials:
        return pinterest.AppCredentials(
            self.settings.pinterest_client_id,
            self.settings.pinterest_client_secret.get_secret_value(),
        )

    def oauth(self) -> pinterest.PinterestOAuth:
        if not self.is_configured:
            raise ServiceUnavailable(
                "Pinterest login is not set up: set PINSMITH_PINTEREST_CLIENT_ID and "
                "PINSMITH_PINTEREST_CLIENT_SECRET (see `pinsmith sandbox --help`)"
            )
        return pinterest.PinterestOAuth(self.app, **self._endpoints())

    def client(self, tokens: pinterest.TokenStore) -> pinterest.PinterestClient:
        """A client for the account whose tokens ``tokens`` keeps (and gets refreshed ones)."""
        return pinterest.PinterestClient(tokens, self.app, **self._endpoints())

    def _endpoints(self) -> _Endpoints:
        """Where Pinterest is and how to reach it: the same for every client pinsmith makes."""
        return {
            "api_url": str(self.settings.pinterest_api_url),
            "oauth_url": str(self.settings.pinterest_oauth_url),
            "http": self.http,
            "timeout": self.timeout,
            "clock": utcnow,
        }

    @asynccontextmanager
    async def acting_as(
        self, profile: PinterestProfile
    ) -> AsyncIterator[pinterest.PinterestClient]:
        """A client for ``profile`` whose failures reach the caller as pinsmith's errors.

        A profile already known to need reconnecting fails at once, without calling Pinterest.
        """
        if profile.status is ProfileStatus.NEEDS_RECONNECT:
            raise Conflict(
                f"The Pinterest account {profile.username} needs reconnecting "
                f"({profile.status_reason}): {RECONNECT_HINT}"
            )
        async with self.errors(profile):
            yield self.profile_client(profile.id)

    def profile_client(self, profile_id: int) -> pinterest.PinterestClient:
        """The profile's client, shared by every caller in this process."""
        client = self._profile_clients.get(profile_id)
        if client is None:
            client = self.client(ProfileTokenStore(self.database, self.box, profile_id))
            self._profile_clients[profile_id] = client
        return client

    @asynccontextmanager
    async def errors(self, profile: PinterestProfile | None = None) -> AsyncIterator[None]:
        """Answer Pinterest's failures as pinsmith's; a refused refresh marks ``profile``."""
        try:
            yield
        except pinterest.ReconnectRequired as error:
            if profile is not None:
                await mark_needs_reconnect(self.database, profile.id, error.message)
            raise Conflict(
                f"Pinterest no longer accepts this account's token ({error.message}): "
                + RECONNECT_HINT
            ) from error
        except pinterest.RateLimited as error:
            raise rate_limited(error) from error
        except pinterest.PinterestTimeout as error:
            if error.reached_pinterest:
                raise GatewayTimeout("Pinterest did not answer in time; try again later") from error
            raise BadGateway(
                f"Pinterest is unreachable at {self.settings.pinterest_api_url}: {error.message}"
            ) from error
        except pinterest.PinterestError as error:
            raise translated(error) from error

    async def aclose(self) -> None:
        await self.http.aclose()


def translated(error: pinterest.PinterestError) -> PinsmithError:
    for pinterest_class, answer_class, template in ERROR_ANSWERS:
        if isinstance(error, pinterest_class):
            return answer_class(template.format(message=error.message.rstrip(".")))
    return BadGateway(f"Pinterest failed: {error}")


def rate_limited(error: pinterest.RateLimited) -> TooManyRequests:
    if error.is_spam_block:  # not pacing: waiting will not cure it
        return TooManyRequests(f"Pinterest blocked the action as spam: {error.message}")
    seconds = max(1, int((error.reset_at - utcnow()).total_seconds())) if error.reset_at else 60
    return TooManyRequests(
        f"Pinterest is rate limiting this account; try again in {seconds} s",
        headers={"Retry-After": str(seconds)},
    )
