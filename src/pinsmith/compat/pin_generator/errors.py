"""Pin Generator's error answers: ``{"error": "..."}`` with the documented statuses.

Every failure on this surface, from the access key to Pinterest's answer, leaves through
``PinGeneratorRoute``, so a client never meets pinsmith's ``{"detail": ...}`` shape here, nor
FastAPI's 422.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any, ClassVar

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from pinsmith.dependencies import RemoteCallRoute
from pinsmith.kit.errors import NotFound, PinsmithError

logger = logging.getLogger(__name__)

BOARD_NOT_FOUND = "Board not found or does not belong to this Pinterest profile"


class MissingAccessKey(PinsmithError):
    status_code: ClassVar[int] = 403

    def __init__(self) -> None:
        super().__init__("Unauthorized")


class UserNotFound(PinsmithError):
    """Unknown, revoked or disabled key, or an account that may not use the API: one answer."""

    status_code: ClassVar[int] = 401

    def __init__(self) -> None:
        super().__init__("User not found")


class CreditsDepleted(PinsmithError):
    status_code: ClassVar[int] = 402

    def __init__(self) -> None:
        super().__init__("Pin generation credits depleted")


class BoardNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(BOARD_NOT_FOUND)


def error(status_code: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status_code, headers=headers)


class PinGeneratorRoute(RemoteCallRoute):
    """Answers every failure in Pin Generator's shape.

    A ``RemoteCallRoute``: the request's transaction only reads, because these endpoints wait on
    strangers' image servers and on Pinterest; the service writes in a short transaction of its
    own at the end.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handle(request)
            except PinsmithError as exc:
                headers = {k: v for k, v in exc.headers.items() if k != "WWW-Authenticate"}
                return error(exc.status_code, exc.detail, headers)
            except RequestValidationError as exc:  # not expected: bodies are parsed by hand
                first = exc.errors()[0] if exc.errors() else {}
                return error(400, str(first.get("msg", "The request is not valid")))
            except IntegrityError as exc:
                logger.info("integrity error on %s: %s", request.url.path, exc.orig)
                return error(409, "The request conflicts with a concurrent change; retry it")
            except Exception:
                logger.exception("unhandled error on %s %s", request.method, request.url.path)
                return error(500, "Internal server error")

        return answer
