"""``POST /pins/upload-image``, as PinFlow documents it: multipart, field ``file``, 10 MB."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, Response, UploadFile
from fastapi.routing import APIRoute

from pinsmith.auth.dependencies import CurrentUser
from pinsmith.dependencies import AppSettings, DbSession, get_settings
from pinsmith.kit.body_limit import BodyTooLarge, counted
from pinsmith.media import service
from pinsmith.media.schemas import UploadedImage


class UploadRoute(APIRoute):
    """Caps the request body as it arrives, before FastAPI parses it.

    FastAPI reads and spools the whole multipart body before any dependency or the endpoint
    runs: a check there would come after a huge, or endless chunked, body was already on disk.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_within_limit(request: Request) -> Response:
            settings = get_settings(request)
            service.check_declared_length(settings, request.headers.get("content-length"))
            limit = service.request_body_limit(settings)
            try:
                return await handle(Request(request.scope, counted(request.receive, limit)))
            except BodyTooLarge:  # an HTTPException: FastAPI's form reader lets it through
                raise service.too_large(settings) from None

        return handle_within_limit


router = APIRouter(tags=["media"], route_class=UploadRoute)


@router.post("/pins/upload-image", response_model=UploadedImage)
async def upload_image(
    user: CurrentUser,
    session: DbSession,
    settings: AppSettings,
    file: Annotated[
        UploadFile,
        File(description="JPEG, PNG, GIF, WebP or AVIF, recognised from its content; 10 MB max."),
    ],
) -> UploadedImage:
    media_file = await service.upload(session, settings, user, file)
    return UploadedImage(url=service.media_url(settings, media_file))
