"""The boards of a connected Pinterest account, read and created live through Pinterest."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith import pinterest
from pinsmith.boards.schemas import (
    BoardAnalytics,
    BoardCreate,
    BoardItem,
    BoardList,
    BoardPinCounts,
    BoardSuggest,
    BoardSuggestion,
    Section,
    SectionCreate,
    SectionList,
    SuggestedBoard,
)
from pinsmith.boards.selection.model import PinText, SectionCandidate
from pinsmith.boards.selection_service import BoardSelector, ensure_text
from pinsmith.models import PinStatus, User
from pinsmith.pins import service as pins
from pinsmith.profiles import service as profiles
from pinsmith.profiles.pinterest import PinterestAccess

#: Which of PinFlow's counters each pin status adds to (every pin also counts in total_pins).
COUNTER_OF_STATUS: dict[PinStatus, str] = {
    PinStatus.DRAFT: "draft_pins",
    PinStatus.REVIEW: "draft_pins",
    PinStatus.QUEUED: "scheduled_pins",
    PinStatus.SCHEDULED: "scheduled_pins",
    PinStatus.PUBLISHING: "scheduled_pins",
    PinStatus.PUBLISHED: "published_pins",
    PinStatus.FAILED: "failed_pins",
}
SUGGESTED_BOARDS = 5


async def list_boards(
    session: AsyncSession, access: PinterestAccess, user: User, profile_id: int | None
) -> BoardList:
    """Every board of the account, all pages, as Pinterest has them now."""
    profile = await profiles.chosen(session, user, profile_id)
    async with access.acting_as(profile) as client:
        boards = await client.list_boards()
    return BoardList(
        pinterest_user_id=profile.pinterest_user_id,
        pinterest_username=profile.username,
        items=[
            BoardItem(
                id=board.id, name=board.name, description=board.description, privacy=board.privacy
            )
            for board in boards
        ],
    )


async def analytics(
    session: AsyncSession, access: PinterestAccess, user: User, profile_id: int | None
) -> BoardAnalytics:
    """pinsmith's pins per board of the account, boards without pins included.

    Boards that pinsmith has pins for but Pinterest no longer lists come last, unnamed.
    """
    profile = await profiles.chosen(session, user, profile_id)
    counts = await pins.counts_by_board(session, profile.id)
    async with access.acting_as(profile) as client:
        names = {board.id: board.name for board in await client.list_boards()}
    gone = sorted(set(counts) - set(names), key=lambda board_id: (len(board_id), board_id))
    boards = []
    for board_id in [*names, *gone]:
        by_status = counts.get(board_id, Counter[PinStatus]())
        totals = dict.fromkeys(COUNTER_OF_STATUS.values(), 0)
        for status, count in by_status.items():
            totals[COUNTER_OF_STATUS[status]] += count
        boards.append(
            BoardPinCounts(
                board_id=board_id,
                name=names.get(board_id),
                total_pins=sum(by_status.values()),
                **totals,
            )
        )
    return BoardAnalytics(
        pinterest_user_id=profile.pinterest_user_id,
        pinterest_username=profile.username,
        boards=boards,
    )


async def create_board(
    session: AsyncSession,
    access: PinterestAccess,
    selector: BoardSelector,
    user: User,
    profile_id: int | None,
    data: BoardCreate,
) -> pinterest.Board:
    """The board, made on Pinterest; board selection knows it at once."""
    profile = await profiles.chosen(session, user, profile_id)
    async with access.acting_as(profile) as client:
        board = await client.create_board(data.name, data.description, privacy=data.privacy)
    selector.directory.add(profile.id, board)
    return board


async def suggest(
    session: AsyncSession,
    access: PinterestAccess,
    selector: BoardSelector,
    user: User,
    data: BoardSuggest,
    *,
    refresh: bool = False,
) -> BoardSuggestion:
    """The boards that fit the pin best and whether a new one is needed; nothing is made."""
    pin = PinText(data.title or "", data.description or "", data.link, data.alt_text)
    ensure_text(pin)  # before anything else: the request is wrong whoever makes it
    profile = await profiles.chosen(session, user, data.profile_id)
    selection = await selector.suggest(session, access, profile, pin, refresh=refresh)
    return BoardSuggestion(
        boards=[
            SuggestedBoard(
                id=ranked.board.id,
                name=ranked.board.name,
                section=Section(id=ranked.section.id, name=ranked.section.name)
                if ranked.section
                else None,
                score=round(min(1.0, max(0.0, ranked.score)), 3),
                reason=ranked.reason,
            )
            for ranked in selection.ranked[:SUGGESTED_BOARDS]
        ],
        decision=selection.decision,
        new_board_name=selection.new_board_name if selection.decision == "new" else None,
        ranker=selection.ranker,
        notes=selection.notes,
    )


async def list_sections(
    session: AsyncSession,
    access: PinterestAccess,
    user: User,
    profile_id: int | None,
    board_id: str,
) -> SectionList:
    profile = await profiles.chosen(session, user, profile_id)
    async with access.acting_as(profile) as client:
        sections = await client.list_sections(board_id)
    return SectionList(
        board_id=board_id,
        items=[Section(id=section.id, name=section.name) for section in sections],
    )


async def create_section(
    session: AsyncSession,
    access: PinterestAccess,
    selector: BoardSelector,
    user: User,
    profile_id: int | None,
    board_id: str,
    data: SectionCreate,
) -> Section:
    profile = await profiles.chosen(session, user, profile_id)
    async with access.acting_as(profile) as client:
        section = await client.create_section(board_id, data.name)
    selector.directory.add_section(profile.id, board_id, SectionCandidate(section.id, section.name))
    return Section(id=section.id, name=section.name)
