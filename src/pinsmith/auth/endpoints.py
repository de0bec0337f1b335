from __future__ import annotations

from fastapi import APIRouter, status
from fastapi.responses import RedirectResponse

from pinsmith.auth import service
from pinsmith.auth.dependencies import CurrentUser, SessionCookies
from pinsmith.dependencies import DbSession
from pinsmith.users.schemas import Me

router = APIRouter(prefix="/auth", tags=["auth"])


@router.get("/me", response_model=Me)
async def me(user: CurrentUser, session: DbSession) -> Me:
    return await service.describe(session, user)


@router.post("/logout", status_code=status.HTTP_303_SEE_OTHER, response_class=RedirectResponse)
async def logout(cookies: SessionCookies) -> RedirectResponse:
    response = RedirectResponse("/", status_code=status.HTTP_303_SEE_OTHER)
    cookies.clear(response)
    return response
