"""Typed errors for the Pinterest API v5, and the one table that maps Pinterest's answers to them.

Pinterest answers every error as ``{"code": int, "message": str}``: ``code`` is Pinterest's own
number (sometimes it just repeats the HTTP status). Callers decide on the class, never on the
numbers, so the numbers live only in :data:`ERROR_TABLE`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

__all__ = [
    "ERROR_TABLE",
    "BadRequest",
    "BoardNotFound",
    "Conflict",
    "NotFound",
    "NotPermitted",
    "PinNotFound",
    "PinterestError",
    "PinterestTimeout",
    "RateLimited",
    "ReconnectRequired",
    "SectionNotFound",
    "ServerError",
    "TokenExpired",
    "Unauthorized",
    "UnexpectedResponse",
    "UserNotFound",
    "error_class",
    "error_from_response",
    "parse_reset_at",
]


class PinterestError(Exception):
    """Pinterest (or the way to it) refused or failed a call.

    ``status`` is the HTTP status and ``code`` Pinterest's own code; both are ``None`` when no
    HTTP answer came back. ``request_id`` is Pinterest's ``x-pinterest-rid``, for support tickets.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.request_id = request_id

    def __str__(self) -> str:
        details = [f"HTTP {self.status}"] if self.status is not None else []
        if self.code is not None:
            details.append(f"Pinterest code {self.code}")
        return f"{self.message} ({', '.join(details)})" if details else self.message


class BadRequest(PinterestError):
    """400: Pinterest refused the request as made (invalid parameters, limits)."""


class Unauthorized(PinterestError):
    """401 that a new access token will not cure (e.g. missing scopes)."""


class TokenExpired(Unauthorized):
    """401 for an expired, revoked or invalid access token: a refresh may cure it.

    Pinterest authenticates before it acts, so a write refused this way was not carried out.
    """


class ReconnectRequired(PinterestError):
    """Pinterest refused to refresh the tokens: the user must connect the account again.

    Nothing is wiped; the caller marks the profile ``needs_reconnect``.
    """


class NotPermitted(PinterestError):
    """403: the account or the app may not do this (e.g. code 29, Trial access in production)."""


class NotFound(PinterestError):
    """404: the board, pin, section, user or media does not exist (or is not visible)."""


class BoardNotFound(NotFound):
    """404 with code 40."""


class PinNotFound(NotFound):
    """404 with code 50."""


class SectionNotFound(NotFound):
    """404 with code 2031."""


class UserNotFound(NotFound):
    """404 with code 30."""


class Conflict(PinterestError):
    """409: Pinterest could not get exclusive access to the object; the write was not done."""


class RateLimited(PinterestError):
    """429. ``reset_at`` (aware UTC) says when to try again, when Pinterest said so.

    ``is_spam_block`` marks a 429 whose message speaks of spam: Pinterest's own api-quickstart
    treats it as a block of the account's content, not as pacing, so waiting will not cure it.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = 429,
        code: int | None = None,
        request_id: str | None = None,
        reset_at: datetime | None = None,
        is_spam_block: bool = False,
    ) -> None:
        super().__init__(message, status=status, code=code, request_id=request_id)
        self.reset_at = reset_at
        self.is_spam_block = is_spam_block


class ServerError(PinterestError):
    """5xx: Pinterest failed. For a write the outcome is unknown (the caller reconciles)."""


class PinterestTimeout(PinterestError):
    """No answer: a timeout or a dropped connection.

    ``reached_pinterest`` is False when the connection was never made (connect error or timeout,
    no free connection), so a write was certainly not carried out; otherwise the outcome of a
    write is unknown.
    """

    def __init__(self, message: str, *, reached_pinterest: bool) -> None:
        super().__init__(message)
        self.reached_pinterest = reached_pinterest


class UnexpectedResponse(PinterestError):
    """A success answer whose body is not the shape Pinterest's API description promises."""


# (HTTP status, Pinterest code) -> class; code None matches any code of that status.
# Statuses missing here: other 5xx -> ServerError, anything else -> PinterestError.
ERROR_TABLE: Mapping[tuple[int, int | None], type[PinterestError]] = {
    (400, None): BadRequest,
    (401, 2): TokenExpired,  # "Authentication failed.": expired or revoked access token
    (401, 1104): TokenExpired,  # token invalid or expired
    (401, None): Unauthorized,  # e.g. code 3, the token lacks a scope: refreshing won't help
    (403, None): NotPermitted,  # 29 not permitted, 7 not authorized to access board or pin
    (404, None): NotFound,
    (404, 30): UserNotFound,
    (404, 40): BoardNotFound,
    (404, 50): PinNotFound,
    (404, 2031): SectionNotFound,
    (409, None): Conflict,
    (429, None): RateLimited,  # code 8 (and 30 in one example)
}

# x-ratelimit-reset is "seconds until reset"; a value this large can only be an epoch.
EPOCH_THRESHOLD = 1_000_000_000
_SNIPPET_LENGTH = 200


def error_class(status: int, code: int | None) -> type[PinterestError]:
    """The class for an HTTP status and Pinterest code, per :data:`ERROR_TABLE`."""
    found = ERROR_TABLE.get((status, code)) or ERROR_TABLE.get((status, None))
    if found is not None:
        return found
    return ServerError if status >= 500 else PinterestError


def error_from_response(response: httpx.Response, *, now: datetime) -> PinterestError:
    """The typed error for an unsuccessful answer, also when its body is not Pinterest's JSON."""
    code, message, detail = _read_error_body(response)
    status = response.status_code
    cls = error_class(status, code)
    request_id = response.headers.get("x-pinterest-rid")
    if cls is RateLimited:
        return RateLimited(
            message,
            status=status,
            code=code,
            request_id=request_id,
            reset_at=parse_reset_at(response.headers, now=now),
            is_spam_block="spam" in f"{message} {detail}".lower(),
        )
    return cls(message, status=status, code=code, request_id=request_id)


def parse_reset_at(headers: Mapping[str, str], *, now: datetime) -> datetime | None:
    """When a rate limit resets: ``x-ratelimit-reset`` (seconds, or an epoch when that large),
    else ``Retry-After`` (seconds or an HTTP date). None when neither is readable.
    """
    reset = _number(headers.get("x-ratelimit-reset"))
    if reset is not None:
        if reset > EPOCH_THRESHOLD:
            return datetime.fromtimestamp(reset, UTC)
        return now + timedelta(seconds=max(reset, 0.0))
    retry_after = headers.get("retry-after")
    if retry_after is None:
        return None
    seconds = _number(retry_after)
    if seconds is not None:
        return now + timedelta(seconds=max(seconds, 0.0))
    try:
        moment = parsedate_to_datetime(retry_after)
    except (TypeError, ValueError):
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _number(raw: str | None) -> float | None:
    if raw is None:
        return None
    try:
        value = float(raw.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _read_error_body(response: httpx.Response) -> tuple[int | None, str, str]:
    """Pinterest's ``code``, ``message`` and ``message_detail``, or a readable stand-in."""
    try:
        body: Any = response.json()
    except ValueError:  # not JSON (also undecodable bytes)
        body = None
    if isinstance(body, dict):
        raw_code = body.get("code")
        code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
        message = body.get("message")
        detail = body.get("message_detail")
        if isinstance(message, str) and message:
            return code, message, detail if isinstance(detail, str) else ""
        return code, _fallback_message(response), ""
    return None, _fallback_message(response), ""


def _fallback_message(response: httpx.Response) -> str:
    text = re.sub(r"<[^>]*>", " ", response.text)  # a gateway's HTML page
    snippet = " ".join(text.split())[:_SNIPPET_LENGTH]
    head = f"Pinterest answered HTTP {response.status_code} {response.reason_phrase}".rstrip()
    return f"{head}: {snippet}" if snippet else head
