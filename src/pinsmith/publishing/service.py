"""Publishing a pin to Pinterest exactly once.

Pinterest has no idempotency key, so the order of things is the guarantee:
1. ``publishing`` is committed (with the moment the attempt began) before ``POST /v5/pins``.
2. An answer settles the pin: ``published``, ``failed`` (a refusal that will not change), or
   back to the queue (pacing, a token to renew) without spending an attempt.
3. No answer (a timeout, a 5xx, a dropped connection, a worker that died mid-call) leaves the
   outcome unknown, and the pin is reconciled before anything else is tried: the board's newest
   pins are listed (twice, a moment apart, as listings lag) and matched on title, link,
   description and alt text among the pins created since the attempt began. One match:
   ``published``. None: a new attempt. Several: ``review``, for a person to decide.
At most ``MAX_ATTEMPTS`` attempts, then ``failed``.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith import pinterest
from pinsmith.config import Settings
from pinsmith.events.service import EventType, record_pin_event
from pinsmith.kit.db import Database
from pinsmith.kit.errors import Conflict, NotFound
from pinsmith.kit.time import utcnow
from pinsmith.media import service as media
from pinsmith.models import Pin, PinStatus, User
from pinsmith.pins import service as pins
from pinsmith.profiles.pinterest import PinterestAccess
from pinsmith.profiles.tokens import mark_needs_reconnect
from pinsmith.scheduling import service as scheduling

MAX_ATTEMPTS = 3
#: Pinterest stamps ``created_at`` to the second, and clocks differ a little.
CLOCK_SKEW = timedelta(seconds=5)
#: How far back in the board's pins a reconciliation looks (newest first).
RECONCILE_DEPTH = 100
WAITING = (PinStatus.QUEUED, PinStatus.SCHEDULED)
NOWHERE_TO_PUBLISH = "The pin has no Pinterest profile or board to publish to"


class Verdict(Enum):
    """What a failed call means for the pin."""

    UNKNOWN = "unknown"  # it may have been published: reconcile
    PERMANENT = "permanent"  # Pinterest refused it and will again: failed
    WAIT = "wait"  # not carried out; try again later without spending an attempt
    RECONNECT = "reconnect"  # the account's token is refused: hold the pin, mark the profile


#: Each Pinterest error, most specific first, and what it means for the pin being published.
VERDICTS: tuple[tuple[type[pinterest.PinterestError], Verdict], ...] = (
    (pinterest.ReconnectRequired, Verdict.RECONNECT),
    (pinterest.RateLimited, Verdict.WAIT),  # a spam block is told apart below
    (pinterest.PinterestTimeout, Verdict.UNKNOWN),  # unless it never reached Pinterest
    (pinterest.ServerError, Verdict.UNKNOWN),
    (pinterest.UnexpectedResponse, Verdict.UNKNOWN),
    (pinterest.Conflict, Verdict.WAIT),  # Pinterest did not get the board's lock: not done
    (pinterest.TokenExpired, Verdict.RECONNECT),
    (pinterest.PinterestError, Verdict.PERMANENT),  # bad request, not found, not permitted
)


#: How long a profile waits after a write that was not carried out, when Pinterest gave no time.
WAIT_AFTER: tuple[tuple[type[pinterest.PinterestError], timedelta], ...] = (
    (pinterest.RateLimited, timedelta(seconds=60)),  # org_write counts per minute
    (pinterest.PinterestTimeout, timedelta(seconds=30)),  # Pinterest unreachable
    (pinterest.Conflict, timedelta(seconds=5)),  # the board was busy
)


def wait_for(error: pinterest.PinterestError) -> timedelta:
    """How long to leave the profile alone after ``error``: until Pinterest's reset if it said."""
    if isinstance(error, pinterest.RateLimited) and error.reset_at is not None:
        return max(error.reset_at - utcnow(), timedelta(seconds=1))
    return next((wait for kind, wait in WAIT_AFTER if isinstance(error, kind)), timedelta(0))


def verdict_of(error: pinterest.PinterestError) -> Verdict:
    if isinstance(error, pinterest.RateLimited) and error.is_spam_block:
        return Verdict.PERMANENT  # publishing on would put the account at risk
    if isinstance(error, pinterest.PinterestTimeout) and not error.reached_pinterest:
        return Verdict.WAIT  # the request never left: certainly not published
    return next(verdict for kind, verdict in VERDICTS if isinstance(error, kind))


@dataclass(frozen=True)
class Attempt:
    """The pin as it is being published, read in the transaction that began the attempt."""

    pin_id: int
    user_id: int
    profile_id: int
    board_id: str
    board_section_id: str | None
    title: str | None
    description: str | None
    link: str | None
    alt_text: str | None
    media_url: str
    started_at: datetime
    number: int  # 1 for the first attempt
    outcome_unknown: bool  # a previous attempt may have published it

    def matches(self, candidate: pinterest.Pin) -> bool:
        """Whether a pin on the board is this one: same texts, created since the attempt."""
        created = candidate.created_at
        return (
            created is not None
            and created >= self.started_at - CLOCK_SKEW
            and _same(candidate.title, self.title)
            and _same(candidate.description, self.description)
            and _same(candidate.link, self.link)
            and _same(candidate.alt_text, self.alt_text)
        )


def _same(theirs: str | None, ours: str | None) -> bool:
    return (theirs or "") == (ours or "")


Sleep = Callable[[float], Awaitable[None]]


class Publisher:
    """Publishes pins through each pin's profile."""

    def __init__(
        self,
        database: Database,
        access: PinterestAccess,
        settings: Settings,
        *,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.database = database
        self.access = access
        self.settings = settings
        self.reconcile_delay = settings.publish_reconcile_delay_seconds
        self.sleep = sleep

    async def publish(self, pin_id: int, *, claimed: bool = False) -> Pin:
        """Take the pin as far as it can go now; the pin as it ends up.

        ``claimed``: the caller is the publishing job the dispatcher enqueued when it moved the
        pin to ``publishing``; only it may take over a pin in that state.
        """
        attempt = await self._begin(pin_id, claimed=claimed)
        while attempt is not None:
            if attempt.outcome_unknown:
                if await self._reconciled(attempt):
                    break
                attempt = await self._again(attempt)
                if attempt is None:
                    break
            attempt = await self._send(attempt)
        return await self.current(pin_id)

    async def _begin(self, pin_id: int, *, claimed: bool) -> Attempt | None:
        """The attempt to make, committed as ``publishing``; None when there is nothing to do."""
        async with self.database.transaction() as session:
            pin = await session.get(Pin, pin_id, with_for_update=True)
            if pin is None:
                raise NotFound("Pin not found")
            mine = pin.status in WAITING or (claimed and pin.status is PinStatus.PUBLISHING)
            if not mine:
                return None
            if pin.profile_id is None or pin.board_id is None:  # e.g. its profile was removed
                await self._settle(session, pin, PinStatus.FAILED, NOWHERE_TO_PUBLISH)
                return None
            if pin.status is PinStatus.PUBLISHING and pin.attempt_started_at is not None:
                return _attempt(pin, outcome_unknown=True)  # a worker stopped mid-call
            return await _start(session, pin)

    async def _again(self, attempt: Attempt) -> Attempt | None:
        """A new attempt after one that certainly did not publish the pin."""
        async with self.database.transaction() as session:
            pin = await session.get(Pin, attempt.pin_id)
            if pin is None or pin.status is not PinStatus.PUBLISHING:
                return None
            pin.retry_count += 1
            pin.attempt_started_at = utcnow()
            return _attempt(pin, outcome_unknown=False)

    async def _send(self, attempt: Attempt) -> Attempt | None:
        """One ``POST /v5/pins``; the next attempt to make, or None when the pin is settled."""
        try:
            source = await self._media_source(attempt)
        except NotFound as missing:
            await self._finish(attempt, PinStatus.FAILED, missing.detail)
            return None
        client = self.access.profile_client(attempt.profile_id)
        try:
            created = await client.create_pin(
                attempt.board_id,
                media_source=source,
                title=attempt.title,
                description=attempt.description,
                link=attempt.link,
                alt_text=attempt.alt_text,
                board_section_id=attempt.board_section_id,
            )
        except pinterest.PinterestError as error:
            return await self._after_error(attempt, error)
        await self._finish(attempt, PinStatus.PUBLISHED, pinterest_pin_id=created.id)
        return None

    async def _after_error(
        self, attempt: Attempt, error: pinterest.PinterestError
    ) -> Attempt | None:
        verdict = verdict_of(error)
        if verdict is Verdict.UNKNOWN:
            return _unknown(attempt)
        if verdict is Verdict.PERMANENT:
            await self._finish(attempt, PinStatus.FAILED, f"Pinterest refused the pin: {error}")
            if isinstance(error, pinterest.RateLimited) and error.is_spam_block:
                await self._pause(attempt.profile_id, error)
        elif verdict is Verdict.RECONNECT:
            await mark_needs_reconnect(self.database, attempt.profile_id, error.message)
            await self._give_back(attempt, f"Waiting for the account to be reconnected: {error}")
        else:
            await self._give_back(attempt, f"Not published yet: {error}", after=wait_for(error))
        return None

    async def _pause(self, profile_id: int, error: pinterest.PinterestError) -> None:
        """Publishing on after a spam block would put the account at risk: stop until the
        owner resumes the profile."""
        async with self.database.transaction() as session:
            await scheduling.pause(
                session,
                profile_id,
                f"Pinterest blocked a pin as spam ({error.message}): check the account, then "
                "resume with POST /profiles/{id}/resume",
            )

    async def _reconciled(self, attempt: Attempt) -> bool:
        """Settle an attempt whose outcome is unknown from the board itself; False when the pin
        is certainly not there and may be sent again."""
        client = self.access.profile_client(attempt.profile_id)
        try:
            found = await self._matches(client, attempt)
            if not found:
                await self.sleep(self.reconcile_delay)
                found = await self._matches(client, attempt)
        except pinterest.PinterestError as error:
            # Cannot look now: the pin stays publishing for a later reconciliation.
            raise ReconcileLater(str(error)) from error
        if len(found) == 1:
            await self._finish(attempt, PinStatus.PUBLISHED, pinterest_pin_id=found[0].id)
            return True
        if found:
            ids = ", ".join(pin.id for pin in found)
            await self._finish(
                attempt,
                PinStatus.REVIEW,
                f"Pinterest may hold this pin more than once ({ids}): keep one, delete the "
                "others on Pinterest, then mark this pin",
            )
            return True
        if attempt.number >= MAX_ATTEMPTS:
            await self._finish(
                attempt,
                PinStatus.FAILED,
                f"Pinterest did not confirm the pin after {attempt.number} attempts",
            )
            return True
        return False

    async def _matches(
        self, client: pinterest.PinterestClient, attempt: Attempt
    ) -> list[pinterest.Pin]:
        found: list[pinterest.Pin] = []
        looked = 0
        async for candidate in client.iter_board_pins(attempt.board_id):
            looked += 1
            if attempt.matches(candidate):
                found.append(candidate)
            too_old = candidate.created_at is not None and (
                candidate.created_at < attempt.started_at - CLOCK_SKEW
            )
            if too_old or looked >= RECONCILE_DEPTH:
                break
        return found

    async def _media_source(self, attempt: Attempt) -> pinterest.MediaSource:
        """Our own uploads travel as bytes (Pinterest cannot reach a home server); other
        images by URL."""
        async with self.database.transaction(write=False) as session:
            own = await media.publishable_image(
                session, self.settings, attempt.user_id, attempt.media_url
            )
        if own is None:
            return pinterest.ImageUrl(attempt.media_url)
        content_type, data = own
        return pinterest.ImageBase64(
            content_type,  # type: ignore[arg-type]  # publishable_image gives JPEG or PNG only
            base64.b64encode(data).decode("ascii"),
        )

    async def _finish(
        self,
        attempt: Attempt,
        status: PinStatus,
        error: str | None = None,
        *,
        pinterest_pin_id: str | None = None,
    ) -> None:
        async with self.database.transaction() as session:
            pin = await session.get(Pin, attempt.pin_id)
            if pin is None or pin.status is not PinStatus.PUBLISHING:
                return  # deleted or settled meanwhile
            if pinterest_pin_id is not None:
                pin.pinterest_pin_id, pin.published_at = pinterest_pin_id, utcnow()
            await self._settle(session, pin, status, error)

    async def _give_back(
        self, attempt: Attempt, reason: str, *, after: timedelta | None = None
    ) -> None:
        """Back to the queue (or its schedule) without spending the attempt; with ``after``,
        nothing more goes through the profile for that long."""
        async with self.database.transaction() as session:
            pin = await session.get(Pin, attempt.pin_id)
            if pin is None or pin.status is not PinStatus.PUBLISHING:
                return
            if after is not None:
                await scheduling.hold_writes(session, attempt.profile_id, utcnow() + after)
            pin.retry_count = max(0, pin.retry_count - 1)
            pin.attempt_started_at = None
            pin.error_message = reason
            waiting = PinStatus.SCHEDULED if pin.scheduled_at else PinStatus.QUEUED
            await pins.move(session, pin, waiting, pin.scheduled_at)

    async def _settle(
        self, session: AsyncSession, pin: Pin, status: PinStatus, error: str | None
    ) -> None:
        pin.attempt_started_at = None
        pin.error_message = error
        await pins.move(session, pin, status, pin.scheduled_at)
        event = SETTLED_EVENTS.get(status)
        if event is not None:
            await record_pin_event(session, event, pin)

    async def leave_unknown(self, pin_id: int, reason: str) -> None:
        """No one will try to settle the pin's unknown outcome again: ``review``, for a person."""
        async with self.database.transaction() as session:
            pin = await session.get(Pin, pin_id, with_for_update=True)
            if pin is not None and pin.status is PinStatus.PUBLISHING:
                await self._settle(session, pin, PinStatus.REVIEW, reason)

    async def current(self, pin_id: int) -> Pin:
        async with self.database.transaction(write=False) as session:
            pin = await session.get(Pin, pin_id)
            if pin is None:
                raise NotFound("Pin not found")
            return pin


SETTLED_EVENTS = {
    PinStatus.PUBLISHED: EventType.PIN_PUBLISHED,
    PinStatus.FAILED: EventType.PIN_FAILED,
    PinStatus.REVIEW: EventType.PIN_REVIEW,
}


class ReconcileLater(Exception):
    """Pinterest could not be asked whether an attempt published the pin; ask again later."""


async def _start(session: AsyncSession, pin: Pin) -> Attempt:
    """Commit-side of a new attempt: ``publishing``, its start, and its number."""
    pin.retry_count += 1
    pin.attempt_started_at = utcnow()
    pin.error_message = None
    await pins.move(session, pin, PinStatus.PUBLISHING, pin.scheduled_at)
    return _attempt(pin, outcome_unknown=False)


def _attempt(pin: Pin, *, outcome_unknown: bool) -> Attempt:
    if pin.profile_id is None or pin.board_id is None or pin.attempt_started_at is None:
        raise ValueError(f"pin {pin.id} is not being published")
    return Attempt(
        pin_id=pin.id,
        user_id=pin.user_id,
        profile_id=pin.profile_id,
        board_id=pin.board_id,
        board_section_id=pin.board_section_id,
        title=pin.title,
        description=pin.description,
        link=pin.link,
        alt_text=pin.alt_text,
        media_url=pin.media_url,
        started_at=pin.attempt_started_at,
        number=pin.retry_count,
        outcome_unknown=outcome_unknown,
    )


def _unknown(attempt: Attempt) -> Attempt:
    return replace(attempt, outcome_unknown=True)


# -- publish now -----------------------------------------------------------------------------

_unfinished: set[asyncio.Task[Pin]] = set()  # publishing that outlived its request


async def publish_now(publisher: Publisher, user: User, pin_id: int, *, wait: float) -> Pin:
    """Publish one of the user's pins at once, waiting at most ``wait`` seconds for the outcome;
    past that the pin is returned as ``publishing`` and its publishing carries on."""
    async with publisher.database.transaction() as session:
        pin = await pins.get_for_change(session, user, pin_id)
        if pin.status in (PinStatus.PUBLISHED, PinStatus.PUBLISHING):
            raise Conflict(f"This pin is already {pin.status.value}")
        if pin.status not in WAITING:
            await pins.move(session, pin, PinStatus.QUEUED, None)
    task = asyncio.create_task(publisher.publish(pin_id))
    _unfinished.add(task)
    task.add_done_callback(_unfinished.discard)
    try:
        return await asyncio.wait_for(asyncio.shield(task), timeout=wait)
    except (TimeoutError, ReconcileLater):
        return await publisher.current(pin_id)
