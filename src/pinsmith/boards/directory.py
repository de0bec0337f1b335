"""A profile's boards and their sections as Pinterest lists them, kept a few minutes per profile.

Choosing a board for each pin must not cost a round of Pinterest calls (every page of boards, then
one listing of sections per board): boards change rarely. The boards pinsmith makes itself join
the kept list at once, and stay in it until Pinterest's own listing shows them, so the next pin
finds them even where Pinterest's listings lag. One process keeps one directory (on the app's
state); another process sees a new board after its own copy expires.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from pinsmith import pinterest
from pinsmith.boards.selection.model import BoardCandidate, SectionCandidate
from pinsmith.kit.time import utcnow

#: Sections are listed per board; this many boards are asked at once.
SECTION_LISTINGS_AT_ONCE = 4


@dataclass(frozen=True)
class KeptBoards:
    boards: tuple[BoardCandidate, ...]
    fetched_at: datetime


class BoardDirectory:
    """Each profile's boards for ``ttl``; ``creating(profile_id)`` serialises new boards."""

    def __init__(self, ttl: timedelta) -> None:
        self.ttl = ttl
        self._kept: dict[int, KeptBoards] = {}
        self._made: dict[int, dict[str, BoardCandidate]] = defaultdict(dict)
        self._fetching: dict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._listings: dict[int, int] = defaultdict(int)  # listings made so far
        self._creating: dict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def boards(
        self, profile_id: int, client: pinterest.PinterestClient, *, fresh: bool = False
    ) -> tuple[BoardCandidate, ...]:
        """The profile's boards with their sections; ``fresh`` asks Pinterest whatever is kept.

        Pinterest's failures reach the caller as the client raises them.
        """
        listings_before = self._listings[profile_id]
        async with self._fetching[profile_id]:  # one listing per profile at a time
            kept = self._kept.get(profile_id)
            # A listing made while this call waited is as fresh as one it would make.
            if (
                kept is None
                or kept.fetched_at + self.ttl <= utcnow()
                or (fresh and self._listings[profile_id] == listings_before)
            ):
                kept = KeptBoards(await _listed(client), utcnow())
                self._kept[profile_id] = kept
                self._listings[profile_id] += 1
        return self._with_made(profile_id, kept.boards)

    def creating(self, profile_id: int) -> asyncio.Lock:
        """Held while a new board is chosen and made for the profile: two pins on one new topic
        at once must not make two boards."""
        return self._creating[profile_id]

    def add(self, profile_id: int, made: pinterest.Board) -> None:
        """A board pinsmith just made: known at once, whatever Pinterest's listing says yet."""
        board = BoardCandidate(made.id, made.name, made.description or "")
        self._made[profile_id][board.id] = board
        kept = self._kept.get(profile_id)
        if kept is not None:
            self._kept[profile_id] = replace(kept, boards=self._with_made(profile_id, kept.boards))

    def add_section(self, profile_id: int, board_id: str, section: SectionCandidate) -> None:
        kept = self._kept.get(profile_id)
        if kept is None:
            return
        boards = tuple(
            replace(board, sections=(*board.sections, section)) if board.id == board_id else board
            for board in kept.boards
        )
        self._kept[profile_id] = replace(kept, boards=boards)

    def forget(self, profile_id: int) -> None:
        """The next look at the profile's boards asks Pinterest."""
        self._kept.pop(profile_id, None)

    def _with_made(
        self, profile_id: int, boards: tuple[BoardCandidate, ...]
    ) -> tuple[BoardCandidate, ...]:
        made = self._made.get(profile_id)
        if not made:
            return boards
        listed = {board.id for board in boards}
        for board_id in listed & made.keys():  # Pinterest lists it now: its listing wins
            del made[board_id]
        return (*boards, *made.values())


async def _listed(client: pinterest.PinterestClient) -> tuple[BoardCandidate, ...]:
    """Every page of boards, each with every page of its sections; a board that vanished
    between the two listings is left out."""
    boards = await client.list_boards()
    gate = asyncio.Semaphore(SECTION_LISTINGS_AT_ONCE)

    async def sections_of(board: pinterest.Board) -> Sequence[pinterest.BoardSection] | None:
        async with gate:
            try:
                return await client.list_sections(board.id)
            except pinterest.NotFound:
                return None

    try:
        async with asyncio.TaskGroup() as group:
            listings = [group.create_task(sections_of(board)) for board in boards]
    except BaseExceptionGroup as failed:  # the first failure, as the client raised it
        raise failed.exceptions[0] from None
    return tuple(
        BoardCandidate(
            id=board.id,
            name=board.name,
            description=board.description or "",
            sections=tuple(SectionCandidate(section.id, section.name) for section in sections),
        )
        for board, listing in zip(boards, listings, strict=True)
        if (sections := listing.result()) is not None
    )
