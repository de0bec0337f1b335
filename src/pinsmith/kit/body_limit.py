"""A cap on every request body, as pure ASGI middleware: a JSON 413 instead of memory for all.

FastAPI reads a JSON body whole before validating it, so without a cap one request could make
the server hold gigabytes. A declared ``Content-Length`` over the cap is refused before any of
the body is read; a chunked body is counted as it arrives and refused at the first chunk past
it. Uploads have a tighter cap of their own (media/endpoints.py), which answers for them.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Far above any real JSON request: a bulk of 1,000 pins with every text field full is ~4 MB.
MAX_JSON_BODY_BYTES = 16 * 1024 * 1024


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` mid-body. FastAPI passes an HTTPException from the body reader
    through unchanged (any other error becomes a 400), and answers it as JSON."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=too_large_message(limit))


def too_large_message(limit: int) -> str:
    return f"Request body too large: at most {limit // (1024 * 1024)} MB"


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = multipart = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value
            elif name == b"content-type":
                multipart = value.lower().startswith(b"multipart/form-data")
        # A multipart body is an upload, refused from its declared length by its own route with
        # its own, lower cap (media/endpoints.py); it is still counted here as it arrives.
        over = declared is not None and declared.isdigit() and int(declared) > self.limit
        if over and not multipart:
            response = JSONResponse({"detail": too_large_message(self.limit)}, status_code=413)
            await response(scope, receive, send)
            return
        await self.app(scope, counted(receive, self.limit), send)


def counted(receive: Receive, limit: int) -> Receive:
    """``receive``, raising BodyTooLarge once more than ``limit`` body bytes have arrived."""
    received = 0

    async def receive_within_limit() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
        return message

    return receive_within_limit
