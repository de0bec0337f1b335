"""Pin Generator's API: ``POST /api/generateImage``, ``/api/generateAndSchedule`` and
``/api/schedulePin``, authenticated by the ``access_key`` header."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from pinsmith.compat.pin_generator.dependencies import KeyOwner
from pinsmith.compat.pin_generator.errors import PinGeneratorRoute
from pinsmith.compat.pin_generator.requests import parse_body
from pinsmith.compat.pin_generator.schemas import (
    GenerateAndScheduleRequest,
    GeneratedAndScheduled,
    GeneratedImage,
    GenerateImageRequest,
    Scheduled,
    SchedulePinRequest,
)
from pinsmith.compat.pin_generator.service import PinGeneratorApi
from pinsmith.dependencies import (
    DbSession,
    get_board_selector,
    get_database,
    get_pinterest,
    get_settings,
)

router = APIRouter(prefix="/api", tags=["pin generator"], route_class=PinGeneratorRoute)


async def get_api(request: Request) -> PinGeneratorApi:
    return PinGeneratorApi(
        get_database(request),
        get_pinterest(request),
        get_settings(request),
        get_board_selector(request),
    )


Api = Annotated[PinGeneratorApi, Depends(get_api)]

_ERROR = {"content": {"application/json": {"example": {"error": "template is required"}}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "A required field is missing or a field is not valid", **_ERROR},
    401: {"description": 'Invalid access key: `{"error": "User not found"}`'},
    402: {"description": '`{"error": "Pin generation credits depleted"}`'},
    403: {"description": 'Missing access key: `{"error": "Unauthorized"}`'},
    404: {"description": "Template, profile or board not found"},
    500: {"description": '`{"error": "Unable to generate image"}`'},
}


def body_of(model: type[BaseModel]) -> dict[str, Any]:
    """The body for the API docs: it is parsed by hand, so FastAPI does not know it."""
    schema = {"content": {"application/json": {"schema": model.model_json_schema()}}}
    return {"requestBody": {"required": True, **schema}}


@router.post(
    "/generateImage",
    response_model=GeneratedImage,
    responses=ERRORS,
    openapi_extra=body_of(GenerateImageRequest),
)
async def generate_image(
    request: Request, user: KeyOwner, session: DbSession, api: Api
) -> GeneratedImage:
    body = await parse_body(request, GenerateImageRequest)
    return await api.generate_image(session, user, body)


@router.post(
    "/generateAndSchedule",
    response_model=GeneratedAndScheduled,
    responses=ERRORS,
    openapi_extra=body_of(GenerateAndScheduleRequest),
)
async def generate_and_schedule(
    request: Request, user: KeyOwner, session: DbSession, api: Api
) -> GeneratedAndScheduled:
    body = await parse_body(request, GenerateAndScheduleRequest)
    return await api.generate_and_schedule(session, user, body)


@router.post(
    "/schedulePin",
    response_model=Scheduled,
    responses=ERRORS,
    openapi_extra=body_of(SchedulePinRequest),
)
async def schedule_pin(request: Request, user: KeyOwner, session: DbSession, api: Api) -> Scheduled:
    body = await parse_body(request, SchedulePinRequest)
    return await api.schedule_pin(session, user, body)
