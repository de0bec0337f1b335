"""Every router of the application, in one place."""

from __future__ import annotations

from fastapi import APIRouter

from pinsmith.api_keys.endpoints import router as api_keys_router
from pinsmith.auth.endpoints import router as auth_router
from pinsmith.boards.endpoints import router as boards_router
from pinsmith.collections.endpoints import router as collections_router
from pinsmith.compat.pin_generator.endpoints import router as pin_generator_router
from pinsmith.dashboard.endpoints import router as dashboard_router
from pinsmith.health.endpoints import router as health_router
from pinsmith.media.endpoints import router as media_router
from pinsmith.pins.endpoints import creation_router as pin_creation_router
from pinsmith.pins.endpoints import router as pins_router
from pinsmith.profiles.endpoints import router as profiles_router
from pinsmith.publishing.endpoints import router as publishing_router
from pinsmith.scheduling.endpoints import router as scheduling_router
from pinsmith.templates.endpoints import router as templates_router
from pinsmith.webhooks.endpoints import router as webhooks_router

# In matching order: the app includes each one directly, since every level of nesting is one
# more pass of FastAPI's route matching per request. The pins API, the hottest, comes right
# after the health check.
ROUTERS: tuple[APIRouter, ...] = (
    health_router,
    media_router,  # before pins: /pins/upload-image is not a pin id
    publishing_router,
    pin_creation_router,
    pins_router,
    collections_router,
    auth_router,
    api_keys_router,
    scheduling_router,  # /profiles/{id}/schedule and /queue
    profiles_router,
    boards_router,
    webhooks_router,
    templates_router,
    pin_generator_router,
    dashboard_router,
)
