"""Every error the sandbox answers, as Pinterest shapes them: ``{"code": int, "message": str}``.

The table below is the one place where statuses, Pinterest's own codes and their messages live
(codes from the examples in Pinterest's OpenAPI description, see ESSENTIALS §11).
"""

from __future__ import annotations

from enum import Enum
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


class Problem(Enum):
    """(HTTP status, Pinterest code, message) of each error the sandbox can give."""

    INVALID_PARAMETERS = (400, 1, "Invalid parameters.")
    INVALID_GRANT = (400, 283, "The authorization grant is invalid.")
    AUTHENTICATION_FAILED = (401, 2, "Authentication failed.")
    TOKEN_EXPIRED = (401, 1104, "Authentication failed: the access token is invalid or expired.")
    MISSING_SCOPES = (403, 3, "The access token lacks the scopes this operation needs.")
    NOT_PERMITTED = (403, 29, "You are not permitted to access that resource.")
    USER_NOT_FOUND = (404, 30, "User not found.")
    BOARD_NOT_FOUND = (404, 40, "Board not found.")
    PIN_NOT_FOUND = (404, 50, "Pin not found.")
    SECTION_NOT_FOUND = (404, 2031, "Sorry! We couldn't find this board section.")
    MEDIA_NOT_FOUND = (404, 404, "Media not found.")
    ROUTE_NOT_FOUND = (404, 404, "Not found.")
    METHOD_NOT_ALLOWED = (405, 5, "Method not allowed.")
    RATE_LIMITED = (
        429,
        8,
        "The user has sent too many requests in a given amount of time and is being rate "
        "limited: this happens when a request exceeds one of the published rate limits or if "
        "multiple write operations are applied to an object within a short time window.",
    )
    SPAM_BLOCKED = (
        429,
        8,
        "Your request was blocked because it looks like spam. Please try again later.",
    )
    INTERNAL_ERROR = (500, 500, "Internal server error.")

    def __init__(self, status: int, code: int, message: str) -> None:
        self.status = status
        self.code = code
        self.message = message

    @classmethod
    def for_status(cls, status: int) -> Problem | None:
        """The usual problem behind an HTTP status (for injected faults), if the table has one."""
        usual = {
            400: cls.INVALID_PARAMETERS,
            401: cls.AUTHENTICATION_FAILED,
            403: cls.NOT_PERMITTED,
            404: cls.ROUTE_NOT_FOUND,
            405: cls.METHOD_NOT_ALLOWED,
            429: cls.RATE_LIMITED,
            500: cls.INTERNAL_ERROR,
        }
        return usual.get(status)


class SandboxError(Exception):
    """A Pinterest error answer; raised anywhere, rendered by one handler."""

    def __init__(
        self,
        problem: Problem,
        message: str | None = None,
        *,
        status: int | None = None,
        code: int | None = None,
    ) -> None:
        self.status = status if status is not None else problem.status
        self.code = code if code is not None else problem.code
        self.message = message if message is not None else problem.message
        super().__init__(f"{self.status} {self.code} {self.message}")

    @classmethod
    def invalid(cls, field: str, reason: str) -> SandboxError:
        """400 code 1 naming the field, as Pinterest's validation answers do."""
        return cls(Problem.INVALID_PARAMETERS, f"Invalid parameters: {field}: {reason}")

    @classmethod
    def custom(
        cls, status: int, code: int | None = None, message: str | None = None
    ) -> SandboxError:
        """An answer for any status (injected faults), filled in from the table where possible."""
        usual = Problem.for_status(status)
        if usual is not None:
            return cls(usual, message, status=status, code=code)
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
        return cls(
            Problem.INTERNAL_ERROR, message or f"{phrase}.", status=status, code=code or status
        )

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status)


def validation_message(error: dict[str, Any]) -> str:
    """``media_source.url: Field required`` from one of FastAPI's validation errors."""
    location = [str(part) for part in error.get("loc", ())]
    if location and location[0] in ("body", "query", "path", "header"):
        location = location[1:]
    field = ".".join(location) or "body"
    return f"Invalid parameters: {field}: {error.get('msg', 'invalid value')}"


async def _sandbox_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SandboxError)
    return exc.response()


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 must never leak: Pinterest answers 400 code 1 naming the field."""
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    message = validation_message(errors[0]) if errors else Problem.INVALID_PARAMETERS.message
    return SandboxError(Problem.INVALID_PARAMETERS, message).response()


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        error = SandboxError(Problem.ROUTE_NOT_FOUND)
    elif exc.status_code == 405:
        error = SandboxError(Problem.METHOD_NOT_ALLOWED)
    else:
        error = SandboxError.custom(exc.status_code, message=str(exc.detail))
    response = error.response()
    response.headers.update(exc.headers or {})
    return response


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(SandboxError, _sandbox_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
