"""Every router of the application, in one place."""

from __future__ import annotations

from fastapi import APIRouter

from pinsmith.api_keys.endpoints import router as api_keys_router
from pinsmith.auth.endpoints import router as auth_router
from pinsmith.dashboard.endpoints import router as dashboard_router
from pinsmith.health.endpoints import router as health_router

router = APIRouter()
router.include_router(health_router)
router.include_router(auth_router)
router.include_router(api_keys_router)
router.include_router(dashboard_router)
