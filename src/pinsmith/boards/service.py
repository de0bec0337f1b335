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
    Section,
    SectionCreate,
    SectionList,
)
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
    user: User,
    profile_id: int | None,
    data: BoardCreate,
) -> pinterest.Board:
    profile = await profiles.chosen(session, user, profile_id)
    async with access.acting_as(profile) as client:
        return await client.create_board(data.name, data.description, privacy=data.privacy)


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
    user: User,
    profile_id: int | None,
    board_id: str,
    data: SectionCreate,
) -> Section:
    profile = await profiles.chosen(session, user, profile_id)
    async with access.acting_as(profile) as client:
        section = await client.create_section(board_id, data.name)
    return Section(id=section.id, name=section.name)
