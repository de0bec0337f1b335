from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from pinsmith.auth.dependencies import OptionalCaller

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, caller: OptionalCaller) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "home.html", {"user": caller.user if caller else None}
    )
