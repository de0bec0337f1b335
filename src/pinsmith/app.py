"""The application factory: settings in, a FastAPI app out."""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import IntegrityError

from pinsmith import __version__
from pinsmith.api import ROUTERS
from pinsmith.auth.session import SessionCookie
from pinsmith.boards.selection_service import BoardSelector
from pinsmith.config import Settings
from pinsmith.kit import migrations
from pinsmith.kit.body_limit import MAX_JSON_BODY_BYTES, BodyLimitMiddleware
from pinsmith.kit.crypto import SecretBox
from pinsmith.kit.db import Database
from pinsmith.kit.errors import PinsmithError
from pinsmith.kit.rate_limit import RateLimitMiddleware
from pinsmith.media.service import request_body_limit
from pinsmith.profiles.pinterest import PinterestAccess
from pinsmith.quotas.rate_limits import rate_limit_table
from pinsmith.worker import Worker

logger = logging.getLogger(__name__)


def create_app(
    settings: Settings,
    *,
    migrate: bool = True,
    pinterest_transport: httpx.AsyncBaseTransport | None = None,
    llm_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """``migrate=False`` when the caller already brought the schema up to date (serve, tests);
    ``pinterest_transport`` replaces the network to Pinterest (tests mount the sandbox), and
    ``llm_transport`` the one to the board-selection LLM (PINSMITH_LLM_URL).
    The lifespan runs the embedded worker when ``settings.worker_enabled``."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if migrate:
            await migrations.upgrade(app.state.database)
        worker = None
        if settings.worker_enabled:
            worker = Worker.from_settings(
                app.state.database, settings, services={"pinterest": app.state.pinterest}
            )
            await worker.start()
        app.state.worker = worker
        try:
            yield
        finally:
            if worker is not None:
                await worker.close()  # finishes or releases the jobs it holds
            await app.state.pinterest.aclose()
            await app.state.board_selector.aclose()
            await app.state.database.dispose()

    app = FastAPI(
        title="pinsmith",
        version=__version__,
        summary="Self-hosted Pinterest automation: a drop-in for PinFlow's API and more.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = Database(settings.database_url)
    app.state.secret_box = SecretBox(settings.secret_keys)
    app.state.pinterest = PinterestAccess(
        settings, app.state.database, app.state.secret_box, transport=pinterest_transport
    )
    app.state.board_selector = BoardSelector(settings, llm_transport=llm_transport)
    app.state.session_cookie = SessionCookie(
        settings.secret_keys, settings.session_max_age_seconds, secure=settings.cookies_secure
    )
    _install_error_handlers(app)
    app.add_middleware(
        BodyLimitMiddleware, limit=max(MAX_JSON_BODY_BYTES, request_body_limit(settings))
    )
    if settings.rate_limits_enabled:
        app.add_middleware(
            RateLimitMiddleware,
            table=rate_limit_table(settings),
            storage_url=settings.rate_limit_storage_url,
        )
    for router in ROUTERS:
        app.include_router(router)
    settings.media_path.mkdir(parents=True, exist_ok=True)
    # Unguessable names; served publicly because Pinterest and browsers fetch them by URL.
    app.mount("/media", StaticFiles(directory=settings.media_path), name="media")
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PinsmithError)
    async def domain_error(request: Request, exc: PinsmithError) -> JSONResponse:
        return JSONResponse(
            {"detail": exc.payload()}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own 422, with each refused input echoed as JSON can carry it: a lone
        # surrogate or an infinite number (1e999) made the default answer fail as a 500.
        return JSONResponse({"detail": _json_safe(jsonable_encoder(exc.errors()))}, status_code=422)

    @app.exception_handler(IntegrityError)
    async def conflicting_write(request: Request, exc: IntegrityError) -> JSONResponse:
        # A race lost to a concurrent request (the service checked first): the client may retry.
        logger.info("integrity error on %s %s: %s", request.method, request.url.path, exc.orig)
        return JSONResponse(
            {"detail": "The request conflicts with a concurrent change; retry it"},
            status_code=409,
        )

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "Internal server error"}, status_code=500)


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    return value
