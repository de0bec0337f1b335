"""Domain exceptions that carry their HTTP status; one handler in app.py renders them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar


class PinsmithError(Exception):
    """A failure the caller can act on; never a bug."""

    status_code: ClassVar[int] = 400

    def __init__(self, detail: str, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = dict(headers or {})

    def payload(self) -> Any:
        """What goes under ``detail`` in the response body."""
        return self.detail


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


class InvalidField(PinsmithError):
    """A field the schema accepted but a rule refused: rendered like FastAPI's 422 array, so the
    client finds the field (and, in a bulk request, the item's index) where it always looks."""

    status_code = 422

    def __init__(self, location: Sequence[str | int], message: str) -> None:
        super().__init__(f"{'.'.join(str(part) for part in location)}: {message}")
        self.location = ["body", *location]
        self.message = message

    def payload(self) -> Any:
        return [{"loc": self.location, "msg": self.message, "type": "value_error"}]

    def within(self, index: int) -> InvalidField:
        """The same error, located in item ``index`` of a bulk request."""
        return InvalidField([index, *self.location[1:]], self.message)


class PayloadTooLarge(PinsmithError):
    status_code = 413


class UnsupportedMediaType(PinsmithError):
    status_code = 415


class TooManyRequests(PinsmithError):
    status_code = 429


class BadGateway(PinsmithError):
    status_code = 502


class ServiceUnavailable(PinsmithError):
    status_code = 503


class GatewayTimeout(PinsmithError):
    status_code = 504


class ConfigError(Exception):
    """A setting or the environment stops pinsmith from starting; the message is one line."""
