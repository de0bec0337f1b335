from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from pinsmith.auth.dependencies import OptionalCaller
from pinsmith.dashboard.pages import page

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, caller: OptionalCaller) -> HTMLResponse:
    return page(request, "home.html", user=caller.user if caller else None)
