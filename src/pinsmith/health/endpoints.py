from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness, without touching the database: also the baseline the benchmarks compare to."""
    return {"status": "ok"}
