"""The rules about pins: who may create what, which status it gets, and what each change records.

Publishing itself belongs to the publisher; here a pin only ever moves between the statuses a
person may set (pins/lifecycle.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.collections import service as collections
from pinsmith.config import Settings
from pinsmith.events.service import EventType, record_pin_event
from pinsmith.kit.errors import (
    BadGateway,
    BadRequest,
    Conflict,
    Forbidden,
    GatewayTimeout,
    InvalidField,
    NotFound,
    PinsmithError,
    ServiceUnavailable,
    TooManyRequests,
)
from pinsmith.kit.pagination import decode_cursor, encode_cursor
from pinsmith.kit.time import utcnow
from pinsmith.media import service as media
from pinsmith.models import Pin, PinStatus, PinterestProfile, User
from pinsmith.pins import lifecycle
from pinsmith.pins.repository import ListingFilters, PinRepository
from pinsmith.pins.schemas import Pin as PinOut
from pinsmith.pins.schemas import PinCreate, PinUpdate
from pinsmith.profiles import service as profiles
from pinsmith.quotas import service as quotas

# GET /pins without a limit answers every match up to this many, then links to the rest.
MAX_UNPAGED = 10_000
MAX_PAGE = 1_000


@dataclass(frozen=True)
class PinFilters:
    status: PinStatus | None = None
    title: str | None = None
    board_id: str | None = None
    collection_id: int | None = None
    limit: int | None = None
    cursor: str | None = None


# What listings select: exactly the fields of the Pin response.
LISTED_FIELDS = tuple(PinOut.model_fields)


@dataclass(frozen=True)
class PinPage:
    rows: Sequence[Row[Any]]
    next_cursor: str | None


#: A pin waiting for the publisher needs a board; without one it can be a draft or in review.
WAITING_TO_PUBLISH = frozenset({PinStatus.QUEUED, PinStatus.SCHEDULED})
NO_BOARD = "Choose a board first (board_id): a pin without one can only be a draft or in review"
RECENT_TITLES_PER_BOARD = 10
#: Failures of one bulk item that are retold as that item's ("Item 3: ...").
ITEM_ERRORS = (
    BadRequest,
    Conflict,
    NotFound,
    Forbidden,
    TooManyRequests,
    BadGateway,
    GatewayTimeout,
    ServiceUnavailable,
)


@dataclass(frozen=True)
class Destination:
    """Where board selection sends a pin created with ``auto_board``: a board (and section),
    or nowhere yet, and then ``problem`` says why it waits in review."""

    board_id: str | None
    board_section_id: str | None = None
    problem: str | None = None


async def create(
    session: AsyncSession,
    settings: Settings,
    user: User,
    data: PinCreate,
    destination: Destination | None = None,
) -> Pin:
    """``destination`` is where an ``auto_board`` pin goes, chosen beforehand (boards)."""
    profile = await profiles.chosen(session, user, data.profile_id)
    pin = await prepare(session, settings, user, profile, data)
    if data.auto_board:
        send_to(pin, _required(destination))
    (created,) = await add(session, user, [pin])
    return created


async def create_many(
    session: AsyncSession, settings: Settings, user: User, items: Sequence[PinCreate]
) -> Sequence[Pin]:
    """All or nothing: one bad item refuses the batch, naming its index."""
    return await add(session, user, await prepare_many(session, settings, user, items))


async def prepare_many(
    session: AsyncSession, settings: Settings, user: User, items: Sequence[PinCreate]
) -> list[Pin]:
    """Every item checked and made a pin not yet added; the first bad one refuses them all."""
    quotas.ensure_bulk_allowed(user)
    pins = []
    chosen: dict[int | None, PinterestProfile] = {}  # one lookup per profile, not per pin
    for index, item in enumerate(items):
        with item_errors(index):
            if item.profile_id not in chosen:
                chosen[item.profile_id] = await profiles.chosen(session, user, item.profile_id)
            pins.append(await prepare(session, settings, user, chosen[item.profile_id], item))
    return pins


@contextmanager
def item_errors(index: int) -> Iterator[None]:
    """A failure about one item of a bulk request, told as that item's."""
    try:
        yield
    except InvalidField as error:
        raise error.within(index) from None
    except ITEM_ERRORS as error:
        raise type(error)(f"Item {index}: {error.detail}", headers=error.headers) from None


async def add(session: AsyncSession, user: User, pins: list[Pin]) -> list[Pin]:
    """Count prepared pins against the user's caps and insert them, or refuse them all."""
    await quotas.reserve_pins(session, user, len(pins))
    return await _insert(session, user, pins)


def send_to(pin: Pin, destination: Destination) -> None:
    """Put a prepared pin where board selection sent it: a board, or review and why."""
    pin.board_id = destination.board_id
    pin.board_section_id = destination.board_section_id
    if destination.board_id is None or destination.problem is not None:
        pin.status = PinStatus.REVIEW
        pin.error_message = destination.problem or "No board was chosen for this pin"


async def recent_titles(
    session: AsyncSession, profile_id: int, per_board: int = RECENT_TITLES_PER_BOARD
) -> dict[str, tuple[str, ...]]:
    """The titles of our newest pins on each of the profile's boards, newest first: what a
    board is about in practice, read from pinsmith's own pins (no call to Pinterest)."""
    titles: dict[str, list[str]] = defaultdict(list)
    for board_id, title in await PinRepository(session).recent_titles_by_board(
        profile_id, per_board
    ):
        titles[board_id].append(title)
    return {board_id: tuple(found) for board_id, found in titles.items()}


def _required(destination: Destination | None) -> Destination:
    if destination is None:  # the callers choose first (pins/placing.py, compat): a bug if not
        raise BadRequest("auto_board: no board was chosen for this pin")
    return destination


async def get(session: AsyncSession, user: User, pin_id: int) -> Pin:
    return await PinRepository(session).require_owned(pin_id, user.id)


async def get_for_change(session: AsyncSession, user: User, pin_id: int) -> Pin:
    """The pin, locked until the transaction ends. The publisher claims pins FOR UPDATE SKIP
    LOCKED: a change either waits for a claim under way and then sees ``publishing`` (409), or
    keeps the publisher off the pin until it is done. Without it, a pin claimed meanwhile could
    be put back in the queue, and published twice."""
    return await PinRepository(session).require_owned(pin_id, user.id, lock=True)


async def update(
    session: AsyncSession, settings: Settings, user: User, pin_id: int, data: PinUpdate
) -> Pin:
    pin = await get_for_change(session, user, pin_id)
    lifecycle.ensure_editable(pin.status)
    given = data.model_fields_set
    for required in ("board_id", "media_url"):
        if required in given and getattr(data, required) is None:
            raise InvalidField([required], "cannot be null")
    status, scheduled_at = lifecycle.resolve(
        current=pin.status,
        requested=PinStatus(data.status) if data.status else None,
        scheduled_at=data.scheduled_at if "scheduled_at" in given else pin.scheduled_at,
        schedule_given="scheduled_at" in given,
        now=utcnow(),
    )
    if data.media_url is not None:
        pin.media_url = await _checked_media_url(session, settings, user, data.media_url)
    for field in ("board_id", "board_section_id", "title", "description", "link", "alt_text"):
        if field in given:
            setattr(pin, field, getattr(data, field))
    if pin.board_id is None and status in WAITING_TO_PUBLISH:
        raise BadRequest(NO_BOARD)
    await move(session, pin, status, scheduled_at)
    return pin


async def delete(session: AsyncSession, user: User, pin_id: int) -> None:
    pin = await get_for_change(session, user, pin_id)
    lifecycle.ensure_editable(pin.status)
    await PinRepository(session).delete(pin)


async def list_pins(session: AsyncSession, user: User, filters: PinFilters) -> PinPage:
    if filters.collection_id is not None:
        await collections.get(session, user, filters.collection_id)
    narrowing = ListingFilters(
        status=filters.status,
        title=filters.title or None,
        board_id=filters.board_id,
        collection_id=filters.collection_id,
        after_id=decode_cursor(filters.cursor) if filters.cursor else None,
    )
    limit = filters.limit or MAX_UNPAGED
    rows = await PinRepository(session).page(user.id, LISTED_FIELDS, narrowing, limit + 1)
    if len(rows) > limit:
        return PinPage(rows[:limit], encode_cursor(rows[limit - 1].id))
    return PinPage(rows, None)


async def calendar(session: AsyncSession, user: User, year: int, month: int) -> Sequence[Row[Any]]:
    """The month's scheduled and published pins, the month bounded in the user's time zone."""
    zone = ZoneInfo(user.timezone)
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return await PinRepository(session).on_calendar(
        user.id, LISTED_FIELDS, start.astimezone(UTC), end.astimezone(UTC)
    )


async def delete_many(session: AsyncSession, user: User, pin_ids: Sequence[int]) -> None:
    """Deletes the user's pins among ``pin_ids``; publishing and published ones stay, silently."""
    await PinRepository(session).delete_except(user.id, set(pin_ids), lifecycle.LOCKED)


async def set_status_many(
    session: AsyncSession, user: User, pin_ids: Sequence[int], status: PinStatus
) -> int:
    """Moves every pin that may take ``status``; the others are skipped and not counted."""
    updated = 0
    for pin in await PinRepository(session).owned_with_ids(user.id, set(pin_ids), lock=True):
        try:
            lifecycle.ensure_editable(pin.status)
            target, scheduled_at = lifecycle.resolve(
                current=pin.status,
                requested=status,
                scheduled_at=pin.scheduled_at,
                schedule_given=False,
                now=utcnow(),
            )
        except PinsmithError:
            continue
        if pin.board_id is None and target in WAITING_TO_PUBLISH:
            continue
        updated += await move(session, pin, target, scheduled_at)
    return updated


async def schedule_many(
    session: AsyncSession, user: User, pin_ids: Sequence[int], scheduled_at: datetime
) -> int:
    if scheduled_at <= utcnow():
        raise BadRequest("scheduled_at must be in the future")
    updated = 0
    for pin in await PinRepository(session).owned_with_ids(user.id, set(pin_ids), lock=True):
        if not lifecycle.user_may_move(pin.status, PinStatus.SCHEDULED) or pin.board_id is None:
            continue
        updated += await move(session, pin, PinStatus.SCHEDULED, scheduled_at)
    return updated


async def reorder(session: AsyncSession, user: User, pin_ids: Sequence[int]) -> int:
    """The position in ``pin_ids`` becomes the sort order; an unknown id changes nothing."""
    if len(set(pin_ids)) != len(pin_ids):
        raise InvalidField(["pin_ids"], "lists a pin more than once")
    repository = PinRepository(session)
    found = {pin.id for pin in await repository.owned_with_ids(user.id, pin_ids)}
    missing = [pin_id for pin_id in pin_ids if pin_id not in found]
    if missing:
        raise NotFound(f"Pin {missing[0]} not found")
    await repository.set_sort_orders({pin_id: index for index, pin_id in enumerate(pin_ids)})
    return len(pin_ids)


async def waiting_on_profile(session: AsyncSession, profile_id: int) -> Sequence[Pin]:
    return await PinRepository(session).waiting_on_profile(profile_id)


async def counts_by_board(session: AsyncSession, profile_id: int) -> dict[str, Counter[PinStatus]]:
    """How many of the profile's pins each board has, by status."""
    counts: dict[str, Counter[PinStatus]] = defaultdict(Counter)
    for board_id, status, count in await PinRepository(session).count_by_board(profile_id):
        if board_id is not None:
            counts[board_id][status] += count
    return counts


async def hold_for_profile(session: AsyncSession, profile_id: int) -> int:
    """Turn the profile's queued and scheduled pins into drafts, so nothing publishes through it."""
    held = 0
    for pin in await PinRepository(session).waiting_on_profile(profile_id, lock=True):
        held += await move(session, pin, PinStatus.DRAFT, pin.scheduled_at)
    return held


async def move(
    session: AsyncSession, pin: Pin, status: PinStatus, scheduled_at: datetime | None
) -> int:
    """Put the pin in ``status`` and record what changed; 1 if anything did, else 0."""
    previous_status, previous_schedule = pin.status, pin.scheduled_at
    pin.status, pin.scheduled_at = status, scheduled_at
    if previous_status is PinStatus.FAILED and status is not PinStatus.FAILED:
        pin.retry_count, pin.error_message = 0, None  # a failed pin sent back gets a fresh start
    await session.flush()
    if status is not previous_status:
        await record_pin_event(
            session,
            EventType.PIN_STATUS_CHANGED,
            pin,
            previous_status=previous_status.value,
        )
    if status is PinStatus.SCHEDULED and (
        status is not previous_status or scheduled_at != previous_schedule
    ):
        await record_pin_event(session, EventType.PIN_SCHEDULED, pin)
    return int(status is not previous_status or scheduled_at != previous_schedule)


async def prepare(
    session: AsyncSession,
    settings: Settings,
    user: User,
    profile: PinterestProfile,
    data: PinCreate,
) -> Pin:
    """The pin ``data`` describes, checked but not added (an ``auto_board`` pin has no board
    yet: ``send_to`` gives it one)."""
    status, scheduled_at = lifecycle.resolve(
        current=None,
        requested=PinStatus(data.status) if data.status else None,
        scheduled_at=data.scheduled_at,
        schedule_given=data.scheduled_at is not None,
        now=utcnow(),
    )
    return Pin(
        user_id=user.id,
        profile_id=profile.id,
        pinterest_user_id=profile.pinterest_user_id,
        pinterest_username=profile.username,
        board_id=data.board_id,
        board_section_id=data.board_section_id,
        title=data.title,
        description=data.description,
        link=data.link,
        alt_text=data.alt_text,
        media_url=await _checked_media_url(session, settings, user, data.media_url),
        status=status,
        scheduled_at=scheduled_at,
    )


async def _insert(session: AsyncSession, user: User, pins: list[Pin]) -> list[Pin]:
    """New pins join the end of the user's queue; each records pin.created (and pin.scheduled)."""
    repository = PinRepository(session)
    last = await repository.last_sort_order(user.id)
    first = 0 if last is None else last + 1
    for offset, pin in enumerate(pins):
        pin.sort_order = first + offset
    session.add_all(pins)
    await session.flush()
    for pin in pins:
        await record_pin_event(session, EventType.PIN_CREATED, pin)
        if pin.status is PinStatus.SCHEDULED:
            await record_pin_event(session, EventType.PIN_SCHEDULED, pin)
    return pins


async def _checked_media_url(
    session: AsyncSession, settings: Settings, user: User, url: str
) -> str:
    """An http(s) URL as given, or one of the user's own uploads as its canonical URL."""
    if not media.is_local_media_url(settings, url):
        return url
    upload = await media.find_by_url(session, settings, user, url)
    if upload is None:
        raise InvalidField(["media_url"], "is not one of your uploads (POST /pins/upload-image)")
    return media.media_url(settings, upload)
