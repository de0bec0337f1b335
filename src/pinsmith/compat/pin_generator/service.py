"""Pin Generator's three calls on pinsmith's services.

A call reads in the request's transaction (which never writes: it waits on image servers and
Pinterest), renders off the event loop, then writes in one short transaction of its own: the
render's media row, the credit and the pin together, so a failed call spends nothing and keeps
nothing, and two calls at once cannot spend the same last credit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.boards.selection.model import PinText
from pinsmith.boards.selection_service import BoardSelector, Placement, ensure_text
from pinsmith.compat.pin_generator.errors import BoardNotFound, CreditsDepleted
from pinsmith.compat.pin_generator.repository import CreditRepository
from pinsmith.compat.pin_generator.requests import describe
from pinsmith.compat.pin_generator.schemas import (
    Board,
    GenerateAndScheduleRequest,
    GeneratedAndScheduled,
    GeneratedImage,
    GenerateImageRequest,
    Scheduled,
    SchedulePinRequest,
)
from pinsmith.config import Settings
from pinsmith.kit.db import Database
from pinsmith.kit.errors import BadRequest, InvalidField, NotFound
from pinsmith.kit.time import client_instant, utcnow
from pinsmith.media import service as media
from pinsmith.models import MediaFile, PinterestProfile, User
from pinsmith.pins import service as pins
from pinsmith.pins.schemas import PinCreate
from pinsmith.pins.service import Destination
from pinsmith.profiles import service as profiles
from pinsmith.profiles.pinterest import PinterestAccess
from pinsmith.render import TemplateSpec
from pinsmith.scheduling import service as scheduling
from pinsmith.templates import renders
from pinsmith.templates import service as templates
from pinsmith.templates.renders import RenderedImage

GENERATED_AND_SCHEDULED = "Pin generated and scheduled"
GENERATED_AND_QUEUED = "Pin generated and added to scheduling queue"
SCHEDULED = "Pin scheduled"
QUEUED = "Pin added to scheduling queue"
# A pin that board selection could not place (no board fits and the account keeps such pins
# for review, or Pinterest refused the new board): created, in review, and ``board`` is null.
GENERATED_FOR_REVIEW = "Pin generated and added for review: {problem}"
FOR_REVIEW = "Pin added for review: {problem}"

# pinsmith's pin fields under the names Pin Generator's caller used for them.
CALLER_NAMES = {
    "board_id": "boardId",
    "board_section_id": "boardSectionId",
    "media_url": "mediaURL",
    "link": "url",
    "title": "title",
    "description": "description",
    "scheduled_at": "scheduledTime",
}

Schedulable = GenerateAndScheduleRequest | SchedulePinRequest
Renderable = GenerateImageRequest | GenerateAndScheduleRequest


@dataclass(frozen=True)
class PinPlan:
    """Everything about the pin to create but its image, settled before any work is done.

    ``placement`` is board selection's answer (useAIBoardSelection); ``board`` is then None
    when the pin could not be placed and goes to review.
    """

    profile: PinterestProfile
    board: Board | None
    scheduled_at: datetime | None
    body: Schedulable
    placement: Placement | None = None

    @property
    def destination(self) -> Destination | None:
        return self.placement.destination if self.placement else None

    def message(self, *, generated: bool) -> str:
        problem = self.placement.problem if self.placement else None
        if problem is not None:
            template = GENERATED_FOR_REVIEW if generated else FOR_REVIEW
            return template.format(problem=problem[:1].lower() + problem[1:])
        if generated:
            return GENERATED_AND_SCHEDULED if self.scheduled_at else GENERATED_AND_QUEUED
        return SCHEDULED if self.scheduled_at else QUEUED

    def pin(self, media_url: str) -> PinCreate:
        chosen_by_selection = self.placement is not None
        try:
            return PinCreate(
                profile_id=self.profile.id,
                auto_board=chosen_by_selection,
                board_id=None if chosen_by_selection or self.board is None else self.board.id,
                board_section_id=None if chosen_by_selection else self.body.boardSectionId,
                media_url=media_url,
                title=self.body.title,
                description=self.body.description,
                link=self.body.url,
                scheduled_at=self.scheduled_at,
            )
        except ValidationError as exc:
            problem = exc.errors(include_url=False)[0]
            field = str(problem["loc"][0]) if problem["loc"] else ""
            named = problem | {"loc": (CALLER_NAMES.get(field, ""),)}
            raise BadRequest(describe(named, type(self.body))) from None


class PinGeneratorApi:
    """The calls; ``database`` is for the one write at the end, ``access`` for Pinterest."""

    def __init__(
        self,
        database: Database,
        access: PinterestAccess,
        settings: Settings,
        selector: BoardSelector,
    ) -> None:
        self.database = database
        self.access = access
        self.settings = settings
        self.selector = selector

    async def generate_image(
        self, session: AsyncSession, user: User, body: GenerateImageRequest
    ) -> GeneratedImage:
        ensure_credits_left(user)
        spec = await templates.resolve(session, user, body.template)
        image = await self._render(session, user, spec, body)
        media_file = await self._keep(user, image, None)
        return GeneratedImage(imageURL=media.media_url(self.settings, media_file))

    async def generate_and_schedule(
        self, session: AsyncSession, user: User, body: GenerateAndScheduleRequest
    ) -> GeneratedAndScheduled:
        board_id = chosen_board(body)
        ensure_credits_left(user)
        spec = await templates.resolve(session, user, body.template)
        plan = await self._plan(session, user, body, board_id)
        image = await self._render(session, user, spec, body)
        media_file = await self._keep(user, image, plan)
        return GeneratedAndScheduled(
            message=plan.message(generated=True),
            imageURL=media.media_url(self.settings, media_file),
            board=plan.board,
        )

    async def schedule_pin(
        self, session: AsyncSession, user: User, body: SchedulePinRequest
    ) -> Scheduled:
        board_id = chosen_board(body)
        ensure_credits_left(user)
        plan = await self._plan(session, user, body, board_id)
        data = plan.pin(body.mediaURL)
        async with self.database.transaction() as writer:
            await spend_credit(writer, user)
            await create_pin(writer, self.settings, user, data, plan.destination)
        return Scheduled(message=plan.message(generated=False), board=plan.board)

    async def _render(
        self, session: AsyncSession, user: User, spec: TemplateSpec, body: Renderable
    ) -> RenderedImage:
        return await templates.render_pin(
            session,
            self.settings,
            user,
            spec,
            body.pin_fields(),
            colour=body.color,
            image_url=body.imageURL,
        )

    async def _plan(
        self, session: AsyncSession, user: User, body: Schedulable, board_id: str | None
    ) -> PinPlan:
        """``board_id`` None: board selection chooses (and may make) the board."""
        profile = await profile_named(session, user, body.pinterestProfile)
        scheduled_at = await instant(session, user, profile, body.scheduledTime)
        if board_id is not None:
            return PinPlan(profile, await self._board(profile, board_id), scheduled_at, body)
        text = PinText(body.title or "", body.description or "", body.url)
        placement = await self.selector.place(session, self.access, user, profile, text)
        board = Board(id=placement.board.id, name=placement.board.name) if placement.board else None
        return PinPlan(profile, board, scheduled_at, body, placement)

    async def _board(self, profile: PinterestProfile, board_id: str) -> Board:
        """The board as Pinterest has it for this account; another account's is not found."""
        if not (board_id.isascii() and board_id.isdigit()):
            raise BoardNotFound
        try:
            async with self.access.acting_as(profile) as client:
                found = await client.get_board(board_id)
        except NotFound:
            raise BoardNotFound from None
        return Board(id=found.id, name=found.name)

    async def _keep(self, user: User, image: RenderedImage, plan: PinPlan | None) -> MediaFile:
        """Store the render, spend the credit and create the pin (if any): all or nothing."""
        stored = await renders.write(self.settings, image)
        try:
            async with self.database.transaction() as writer:
                await spend_credit(writer, user)
                media_file = await renders.record(writer, user, stored)
                if plan is not None:
                    url = media.media_url(self.settings, media_file)
                    await create_pin(writer, self.settings, user, plan.pin(url), plan.destination)
        except BaseException:
            renders.discard(self.settings, stored)  # no file without its row
            raise
        return media_file


def chosen_board(body: Schedulable) -> str | None:
    """The caller's board, or None for board selection to choose. ``useAIBoardSelection``
    wins over a ``boardId`` sent with it (forms often send both)."""
    if body.useAIBoardSelection:
        ensure_text(PinText(body.title or "", body.description or ""))
        return None
    if body.boardId is None:
        raise BadRequest("boardId is required")
    return body.boardId


def ensure_credits_left(user: User) -> None:
    """Refuse before any work when the balance is already 0 (None: unlimited)."""
    if user.credits is not None and user.credits <= 0:
        raise CreditsDepleted


async def spend_credit(session: AsyncSession, user: User) -> None:
    if not await CreditRepository(session).spend_one(user.id):
        raise CreditsDepleted


async def create_pin(
    session: AsyncSession,
    settings: Settings,
    user: User,
    data: PinCreate,
    destination: Destination | None = None,
) -> None:
    """pinsmith's own pin rules and quotas apply; a refused field is named as the caller sent it."""
    try:
        await pins.create(session, settings, user, data, destination)
    except InvalidField as exc:
        field = CALLER_NAMES.get(str(exc.location[-1]), str(exc.location[-1]))
        raise BadRequest(f"{field} {exc.message}") from None


async def profile_named(session: AsyncSession, user: User, username: str) -> PinterestProfile:
    """The user's connected profile with this Pinterest username (any case, ``@`` optional)."""
    wanted = username.removeprefix("@").casefold()
    for profile in await profiles.list_for_user(session, user):
        if profile.username.casefold() == wanted:
            return profile
    raise NotFound(f"Pinterest profile {username!r} is not connected to this account")


async def instant(
    session: AsyncSession, user: User, profile: PinterestProfile, scheduled: datetime | None
) -> datetime | None:
    """``scheduledTime`` as an instant: with an offset (or ``Z``) as given, without one as
    wall-clock time in the profile's time zone (its schedule's, else the user's)."""
    if scheduled is None:
        return None
    if scheduled.tzinfo is None:
        zone = (await scheduling.get_schedule(session, user, profile.id)).timezone
        scheduled = scheduled.replace(tzinfo=ZoneInfo(zone))
    try:
        at = client_instant(scheduled)
    except ValueError as exc:
        raise BadRequest(f"scheduledTime {exc}") from None
    if at <= utcnow():
        raise BadRequest("scheduledTime must be in the future")
    return at
