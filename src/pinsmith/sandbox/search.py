"""``/v5/search``: the caller's own boards and pins whose text contains the query."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from pinsmith.sandbox.access import sees_board, sees_pin
from pinsmith.sandbox.auth import Caller, authorized
from pinsmith.sandbox.pagination import BookmarkPaging, Paging, paginate
from pinsmith.sandbox.params import SandboxDep
from pinsmith.sandbox.routing import SandboxRoute
from pinsmith.sandbox.views import View

router = APIRouter(prefix="/v5/search", route_class=SandboxRoute, tags=["search"])

BoardSearcher = Annotated[
    Caller, Depends(authorized("org_read", "boards:read", "boards:read_secret"))
]
PinSearcher = Annotated[
    Caller,
    Depends(
        authorized("org_read", "boards:read", "boards:read_secret", "pins:read", "pins:read_secret")
    ),
]


def matches(query: str | None, *texts: str | None) -> bool:
    """Case-insensitive containment; no query matches everything."""
    if not query:
        return True
    needle = query.casefold()
    return any(needle in text.casefold() for text in texts if text)


@router.get("/boards")
async def search_boards(
    caller: BoardSearcher,
    sandbox: SandboxDep,
    view: View,
    page: Paging,
    query: Annotated[str | None, Query()] = None,
) -> dict[str, Any]:
    boards = [
        board
        for board in sandbox.boards_of(caller.user.id)
        if sees_board(caller, board) and matches(query, board.name, board.description)
    ]
    return paginate(boards, page, view.board, newest_first=False)


@router.get("/pins")
async def search_pins(
    caller: PinSearcher,
    sandbox: SandboxDep,
    view: View,
    page: BookmarkPaging,
    query: Annotated[str, Query()],
) -> dict[str, Any]:
    pins = [
        pin
        for pin in sandbox.pins_of(caller.user.id)
        if sees_pin(caller, sandbox, pin)
        and matches(query, pin.title, pin.description, pin.alt_text, pin.link)
    ]
    return paginate(pins, page, view.pin, newest_first=True)
