"""PinFlow's boards API, proxied live to the selected (or named) Pinterest account."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from pinsmith import pinterest
from pinsmith.auth.dependencies import CurrentUser
from pinsmith.boards import service
from pinsmith.boards.schemas import (
    BoardAnalytics,
    BoardCreate,
    BoardList,
    BoardSuggest,
    BoardSuggestion,
    Section,
    SectionCreate,
    SectionList,
)
from pinsmith.dependencies import BoardSelection, DbSession, Pinterest, RemoteCallRoute
from pinsmith.kit.schemas import DIGITS, RowId

router = APIRouter(prefix="/boards", tags=["boards"], route_class=RemoteCallRoute)

ProfileChoice = Annotated[
    RowId | None, Query(description="A connected profile's id; default: the selected profile")
]
BoardId = Annotated[str, Path(pattern=DIGITS, max_length=32, description="Pinterest board id")]


@router.get("", response_model=BoardList)
async def list_boards(
    user: CurrentUser, session: DbSession, access: Pinterest, profile_id: ProfileChoice = None
) -> BoardList:
    return await service.list_boards(session, access, user, profile_id)


@router.get("/analytics", response_model=BoardAnalytics)
async def board_analytics(
    user: CurrentUser, session: DbSession, access: Pinterest, profile_id: ProfileChoice = None
) -> BoardAnalytics:
    return await service.analytics(session, access, user, profile_id)


@router.post("", response_model=pinterest.Board, status_code=status.HTTP_201_CREATED)
async def create_board(
    user: CurrentUser,
    session: DbSession,
    access: Pinterest,
    selector: BoardSelection,
    body: BoardCreate,
    profile_id: ProfileChoice = None,
) -> pinterest.Board:
    return await service.create_board(session, access, selector, user, profile_id, body)


# Declared before the /{board_id} routes, so that "suggest" is never read as a board id.
@router.post("/suggest", response_model=BoardSuggestion)
async def suggest_board(
    user: CurrentUser,
    session: DbSession,
    access: Pinterest,
    selector: BoardSelection,
    body: BoardSuggest,
    refresh: Annotated[
        bool, Query(description="Ask Pinterest for the boards now, not the list kept minutes")
    ] = False,
) -> BoardSuggestion:
    """The boards that fit a pin best (up to 5, best first) and whether it needs a new board
    (`decision: "new"` with `new_board_name`). Nothing is created."""
    return await service.suggest(session, access, selector, user, body, refresh=refresh)


@router.get("/{board_id}/sections", response_model=SectionList)
async def list_sections(
    user: CurrentUser,
    session: DbSession,
    access: Pinterest,
    board_id: BoardId,
    profile_id: ProfileChoice = None,
) -> SectionList:
    return await service.list_sections(session, access, user, profile_id, board_id)


@router.post("/{board_id}/sections", response_model=Section, status_code=status.HTTP_201_CREATED)
async def create_section(
    user: CurrentUser,
    session: DbSession,
    access: Pinterest,
    board_id: BoardId,
    selector: BoardSelection,
    body: SectionCreate,
    profile_id: ProfileChoice = None,
) -> Section:
    return await service.create_section(session, access, selector, user, profile_id, board_id, body)
