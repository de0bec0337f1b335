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

router = APIRouter()
router.include_router(health_router)
router.include_router(auth_router)
router.include_router(api_keys_router)
router.include_router(media_router)  # before pins: /pins/upload-image is not a pin id
router.include_router(publishing_router)
router.include_router(pin_creation_router)
router.include_router(pins_router)
router.include_router(collections_router)
router.include_router(scheduling_router)  # /profiles/{id}/schedule and /queue
router.include_router(profiles_router)
router.include_router(boards_router)
router.include_router(webhooks_router)
router.include_router(templates_router)
router.include_router(pin_generator_router)
router.include_router(dashboard_router)
