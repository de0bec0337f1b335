from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Cookie, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pinsmith.auth import login as logins
from pinsmith.auth import service
from pinsmith.auth.dependencies import CurrentUser, OptionalCaller, SessionCookies
from pinsmith.dashboard.pages import page
from pinsmith.dependencies import AppDatabase, DbSession, Pinterest
from pinsmith.kit.errors import PinsmithError
from pinsmith.users.schemas import Me, MeUpdate

router = APIRouter(prefix="/auth", tags=["auth"])

LOGIN_RESPONSES: dict[int | str, dict[str, str]] = {
    302: {"description": "To Pinterest's consent page, or home once signed in"},
    400: {"description": "A forged, replayed or expired state, or access not granted (a page)"},
    502: {"description": "Pinterest is unreachable (a page)"},
    503: {"description": "Pinterest login is not configured (a page)"},
}


@router.get(
    "/login",
    status_code=status.HTTP_302_FOUND,
    response_class=RedirectResponse,
    responses=LOGIN_RESPONSES,
)
async def login(
    request: Request,
    database: AppDatabase,
    pinterest: Pinterest,
    caller: OptionalCaller,
    connect: Annotated[
        bool, Query(description="Connect a further Pinterest account to the signed-in user")
    ] = False,
) -> Response:
    """Start signing in with Pinterest (PinFlow's flow): 302 to Pinterest's consent page."""
    try:
        started = await logins.start(
            database, pinterest, caller.user if connect and caller else None
        )
    except PinsmithError as error:
        return _problem(request, error)
    response = RedirectResponse(started.authorize_url, status_code=status.HTTP_302_FOUND)
    response.set_cookie(
        logins.STATE_COOKIE,
        started.nonce,
        max_age=int(logins.STATE_MAX_AGE.total_seconds()),
        path="/auth",
        httponly=True,
        samesite="lax",  # sent on the top-level redirect back from Pinterest
        secure=pinterest.settings.cookies_secure,
    )
    return response


@router.get(
    "/callback",
    status_code=status.HTTP_302_FOUND,
    response_class=RedirectResponse,
    responses=LOGIN_RESPONSES,
)
async def callback(
    request: Request,
    database: AppDatabase,
    pinterest: Pinterest,
    cookies: SessionCookies,
    state: str | None = None,
    code: str | None = None,
    error: str | None = None,
    error_description: str | None = None,
    browser_nonce: Annotated[str | None, Cookie(alias=logins.STATE_COOKIE)] = None,
) -> Response:
    """Where Pinterest sends the browser back: signs the account's owner in and lands on ``/``."""
    answer = logins.Callback(state, code, error, error_description, browser_nonce)
    response: Response
    try:
        user = await logins.finish(database, pinterest, answer)
    except PinsmithError as failure:
        response = _problem(request, failure)
    else:
        response = RedirectResponse("/", status_code=status.HTTP_302_FOUND)
        cookies.attach(response, user.id)
    response.delete_cookie(logins.STATE_COOKIE, path="/auth")
    return response


@router.get("/me", response_model=Me)
async def me(user: CurrentUser, session: DbSession) -> Me:
    return await service.describe(session, user)


@router.patch("/me", response_model=Me)
async def update_me(user: CurrentUser, session: DbSession, body: MeUpdate) -> Me:
    """Change the caller's own settings (today: ``auto_create_boards``)."""
    return await service.update_me(session, user, body)


@router.post("/logout", status_code=status.HTTP_303_SEE_OTHER, response_class=RedirectResponse)
async def logout(cookies: SessionCookies) -> RedirectResponse:
    response = RedirectResponse("/", status_code=status.HTTP_303_SEE_OTHER)
    cookies.clear(response)
    return response


def _problem(request: Request, error: PinsmithError) -> HTMLResponse:
    """The login is a browser's journey: its failures are pages, with the API's status codes."""
    return page(request, "sign_in_problem.html", error.status_code, detail=error.detail)
