"""Domain exceptions that carry their HTTP status; one handler in app.py renders them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar


class PinsmithError(Exception):
    """A failure the caller can act on; never a bug."""

    status_code: ClassVar[int] = 400

    def __init__(self, detail: str, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = dict(headers or {})


class BadRequest(PinsmithError):
    status_code = 400


class Unauthorized(PinsmithError):
    status_code = 401

    def __init__(self, detail: str = "Not authenticated") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(PinsmithError):
    status_code = 403


class NotFound(PinsmithError):
    status_code = 404


class Conflict(PinsmithError):
    status_code = 409


class PayloadTooLarge(PinsmithError):
    status_code = 413


class UnsupportedMediaType(PinsmithError):
    status_code = 415


class TooManyRequests(PinsmithError):
    status_code = 429


class BadGateway(PinsmithError):
    status_code = 502


class ConfigError(Exception):
    """A setting or the environment stops pinsmith from starting; the message is one line."""
