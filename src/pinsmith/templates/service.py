"""The rules about templates: the 15 built-ins are read-only, a user's own are theirs alone, and
a template reference (a built-in's name, ``RandomTemplate`` or a custom id) resolves to a spec
the same way for a preview and for Pin Generator's API."""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.config import Settings
from pinsmith.kit.errors import BadRequest, Conflict, Forbidden, NotFound
from pinsmith.kit.schemas import MAX_ROW_ID
from pinsmith.models import CustomTemplate, User
from pinsmith.render import (
    BUILTIN_INFO,
    BUILTIN_NAMES,
    PinFields,
    TemplateSpec,
    builtin_template,
    largest_photo_box,
)
from pinsmith.templates import photos, renders
from pinsmith.templates.renders import RenderedImage
from pinsmith.templates.repository import CustomTemplateRepository
from pinsmith.templates.schemas import (
    CustomTemplateCreate,
    CustomTemplateUpdate,
    PreviewRequest,
    Template,
    TemplateSummary,
)
from pinsmith.templates.specs import parse_spec
from pinsmith.users.repository import UserRepository

TEMPLATE_NOT_FOUND = "Template not found"
# What a preview shows where the request leaves a field out.
SAMPLE_TEXT = {
    "title": "10 Cozy Fall Recipes You Can Make Tonight",
    "description": "Easy seasonal dinners from pantry staples, ready in 30 minutes",
    "urlText": "yourblog.com",
}


async def list_templates(session: AsyncSession, user: User) -> list[TemplateSummary]:
    """The built-ins in Pin Generator's order, then the user's own, oldest first."""
    builtins = [
        TemplateSummary(id=info.name, name=info.friendly_name, style=info.style, builtin=True)
        for info in BUILTIN_INFO
    ]
    custom = [
        TemplateSummary(
            id=row.id,
            name=row.name,
            builtin=False,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )
        for row in await CustomTemplateRepository(session).list_for_user(user.id)
    ]
    return builtins + custom


async def get(session: AsyncSession, user: User, template_id: str) -> Template:
    for info in BUILTIN_INFO:
        if info.name == template_id:
            spec = builtin_template(info.name)
            assert spec is not None  # a name of BUILTIN_INFO
            return Template(
                id=info.name,
                name=info.friendly_name,
                style=info.style,
                builtin=True,
                spec=spec.model_dump(mode="json"),
            )
    row = await _owned(session, user, template_id)
    return Template(
        id=row.id,
        name=row.name,
        builtin=False,
        spec=row.spec,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def create(
    session: AsyncSession, settings: Settings, user: User, data: CustomTemplateCreate
) -> CustomTemplate:
    spec = parse_spec(data.spec)
    repository = CustomTemplateRepository(session)
    await UserRepository(session).lock(user.id)  # two creates at once cannot both pass the cap
    limit = settings.max_custom_templates
    if await repository.count_for_user(user.id) >= limit:
        raise Conflict(f"At most {limit} custom templates per account: delete one first")
    row = CustomTemplate(user_id=user.id, name=data.name, spec=spec.model_dump(mode="json"))
    return await repository.add(row)


async def update(
    session: AsyncSession, user: User, template_id: str, data: CustomTemplateUpdate
) -> CustomTemplate:
    row = await _owned(session, user, template_id, change=True)
    if data.spec is not None:
        row.spec = parse_spec(data.spec).model_dump(mode="json")
    if data.name is not None:
        row.name = data.name
    await session.flush()
    return row


async def delete(session: AsyncSession, user: User, template_id: str) -> None:
    row = await _owned(session, user, template_id, change=True)
    await CustomTemplateRepository(session).delete(row)


async def resolve(session: AsyncSession, user: User, ref: str) -> TemplateSpec:
    """A built-in's name (or ``RandomTemplate``) first, else one of the user's custom ids;
    NotFound ("Template not found") otherwise, also for another user's template."""
    spec = builtin_template(ref)
    if spec is not None:
        return spec
    row = await _custom(session, user, ref)
    if row is None:
        raise NotFound(TEMPLATE_NOT_FOUND)
    try:
        return TemplateSpec.model_validate(row.spec)
    except ValidationError as exc:  # saved under an older renderer that accepted it
        raise BadRequest(
            f"Template {row.id} no longer passes validation ({exc.error_count()} problem(s)): "
            f"save it again with PUT /templates/{row.id}"
        ) from None


async def render_pin(
    session: AsyncSession,
    settings: Settings,
    user: User,
    spec: TemplateSpec,
    fields: PinFields,
    *,
    colour: str | None,
    image_url: str | None,
) -> RenderedImage:
    """The pin's image: its photo fetched (or read from our media) and checked, then painted."""
    photo = None
    if image_url:
        box = largest_photo_box(spec)
        photo = await photos.load_photo(session, settings, user, image_url, at_least=box)
    return await renders.render_image(spec, fields, photo, colour=colour)


async def preview(
    session: AsyncSession,
    settings: Settings,
    user: User,
    template_id: str,
    body: PreviewRequest | None,
) -> bytes:
    """The template rendered with the request's text, sample text where it gives none."""
    spec = await resolve(session, user, template_id)
    request = body or PreviewRequest()
    given = request.model_dump(by_alias=True, include={"title", "description", "url_text"})
    text = {key: value if value is not None else SAMPLE_TEXT[key] for key, value in given.items()}
    fields = PinFields.from_request(text | request.custom_fields())
    rendered = await render_pin(
        session, settings, user, spec, fields, colour=request.color, image_url=request.image_url
    )
    return rendered.jpeg


async def _owned(
    session: AsyncSession, user: User, template_id: str, *, change: bool = False
) -> CustomTemplate:
    if change and template_id in BUILTIN_NAMES:
        raise Forbidden(
            f"{template_id} is a built-in template and cannot be changed or deleted: "
            f"save a copy of its spec (GET /templates/{template_id}) with POST /templates"
        )
    row = await _custom(session, user, template_id)
    if row is None:
        raise NotFound(TEMPLATE_NOT_FOUND)
    return row


async def _custom(session: AsyncSession, user: User, template_id: str) -> CustomTemplate | None:
    if not (template_id.isascii() and template_id.isdigit()) or int(template_id) > MAX_ROW_ID:
        return None
    return await CustomTemplateRepository(session).get_owned(int(template_id), user.id)
