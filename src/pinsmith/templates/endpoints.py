"""``/templates``: the built-in templates, the user's custom ones, and previews as JPEG."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Response, status

from pinsmith.auth.dependencies import CurrentUser
from pinsmith.dependencies import AppSettings, DbSession, RemoteCallRoute
from pinsmith.templates import service
from pinsmith.templates.schemas import (
    CustomTemplate,
    CustomTemplateCreate,
    CustomTemplateUpdate,
    PreviewRequest,
    Template,
    TemplateSummary,
)

TemplateId = Annotated[
    str,
    Path(
        max_length=100,
        description="A built-in's name (StandardTemplate...) or a custom template's id",
    ),
]

templates = APIRouter(prefix="/templates", tags=["templates"])
# A preview may fetch its photo from a stranger's server: its transaction only reads, so no
# write lock is held across that wait (RemoteCallRoute).
previews = APIRouter(prefix="/templates", tags=["templates"], route_class=RemoteCallRoute)


@templates.get("", response_model=list[TemplateSummary])
async def list_templates(user: CurrentUser, session: DbSession) -> list[TemplateSummary]:
    return await service.list_templates(session, user)


@templates.post("", response_model=CustomTemplate, status_code=status.HTTP_201_CREATED)
async def create_template(
    user: CurrentUser, session: DbSession, settings: AppSettings, body: CustomTemplateCreate
) -> CustomTemplate:
    return CustomTemplate.model_validate(await service.create(session, settings, user, body))


@templates.get("/{template_id}", response_model=Template)
async def get_template(user: CurrentUser, session: DbSession, template_id: TemplateId) -> Template:
    return await service.get(session, user, template_id)


@templates.put("/{template_id}", response_model=CustomTemplate)
async def update_template(
    user: CurrentUser, session: DbSession, template_id: TemplateId, body: CustomTemplateUpdate
) -> CustomTemplate:
    return CustomTemplate.model_validate(await service.update(session, user, template_id, body))


@templates.delete("/{template_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_template(user: CurrentUser, session: DbSession, template_id: TemplateId) -> None:
    await service.delete(session, user, template_id)


@previews.post(
    "/{template_id}/preview",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}, "description": "The pin as JPEG"}},
)
async def preview_template(
    user: CurrentUser,
    session: DbSession,
    settings: AppSettings,
    template_id: TemplateId,
    body: Annotated[PreviewRequest | None, Body()] = None,
) -> Response:
    jpeg = await service.preview(session, settings, user, template_id, body)
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


router = APIRouter()
router.include_router(templates)
router.include_router(previews)
