"""``create_sandbox_app``: a local, faithful emulator of the Pinterest API v5.

Point a Pinterest client at ``http://host:port/v5`` and an OAuth login at
``http://host:port/oauth/``; everything else is as on api.pinterest.com. The ``Sandbox`` behind it
is ``app.state.sandbox``.
"""

from __future__ import annotations

from fastapi import FastAPI

from pinsmith.sandbox import (
    accounts,
    admin,
    analytics,
    authorize,
    boards,
    media,
    oauth,
    pins,
    search,
)
from pinsmith.sandbox.config import SandboxConfig
from pinsmith.sandbox.errors import install_error_handlers
from pinsmith.sandbox.ratelimits import RateLimitHeadersMiddleware
from pinsmith.sandbox.routing import SandboxRoute
from pinsmith.sandbox.state import Sandbox

ROUTERS = (
    oauth.router,
    accounts.router,
    analytics.router,
    boards.router,
    pins.router,
    media.router,
    media.upload_router,
    search.router,
    authorize.router,
    admin.router,
)


def create_sandbox_app(config: SandboxConfig | None = None) -> FastAPI:
    sandbox = Sandbox(config)
    app = FastAPI(
        title="pinsmith sandbox",
        summary="A local emulator of the Pinterest API v5",
        docs_url="/_sandbox/docs",
        openapi_url="/_sandbox/openapi.json",
        redoc_url=None,
    )
    app.state.sandbox = sandbox
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(RateLimitHeadersMiddleware)
    # Each router carries its full prefix (it is included without one), so its routes' own path
    # templates are the ones fault rules name.
    sandbox.faults.set_known_routes(
        key
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, SandboxRoute)
        for key in route.fault_keys()
    )
    return app
