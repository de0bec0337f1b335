"""``/v5/boards``: a user's boards, their sections, and the pins on each."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response, status

from pinsmith.sandbox.access import (
    sees_board,
    sees_pin,
    visible_board,
    visible_section,
    writable_board,
)
from pinsmith.sandbox.auth import Caller, authorized, require_scopes
from pinsmith.sandbox.filters import CreativeTypes, keep_creative_types
from pinsmith.sandbox.pagination import Paging, paginate
from pinsmith.sandbox.params import BoardId, SandboxDep, SectionId
from pinsmith.sandbox.routing import SandboxRoute
from pinsmith.sandbox.schemas import BoardCreate, BoardSectionWrite, BoardUpdate
from pinsmith.sandbox.views import View

router = APIRouter(prefix="/v5/boards", route_class=SandboxRoute, tags=["boards"])

BoardsReader = Annotated[Caller, Depends(authorized("org_read", "boards:read"))]
BoardsWriter = Annotated[Caller, Depends(authorized("org_write", "boards:read", "boards:write"))]
BoardPinsReader = Annotated[Caller, Depends(authorized("org_read", "boards:read", "pins:read"))]

PrivacyFilter = Literal["ALL", "PUBLIC", "PROTECTED", "SECRET", "PUBLIC_AND_SECRET"]
PRIVACY_FILTERS: dict[str, set[str]] = {
    "ALL": {"PUBLIC", "PROTECTED", "SECRET"},
    "PUBLIC": {"PUBLIC"},
    "PROTECTED": {"PROTECTED"},
    "SECRET": {"SECRET"},
    "PUBLIC_AND_SECRET": {"PUBLIC", "SECRET"},
}
#: What ``is_ads_only`` boards become, as the spec describes.
ADS_ONLY_NAME = "Ad-only Pins"


@router.get("")
async def list_boards(
    caller: BoardsReader,
    sandbox: SandboxDep,
    view: View,
    page: Paging,
    privacy: Annotated[PrivacyFilter | None, Query()] = None,
) -> dict[str, Any]:
    """Without ``privacy``, every board the token's scopes let it see (secret ones need
    ``boards:read_secret``)."""
    wanted = PRIVACY_FILTERS[privacy or "ALL"]
    boards = [
        board
        for board in sandbox.boards_of(caller.user.id)
        if board.privacy in wanted and sees_board(caller, board)
    ]
    return paginate(boards, page, view.board, newest_first=False)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_board(
    body: BoardCreate, caller: BoardsWriter, sandbox: SandboxDep, view: View
) -> dict[str, Any]:
    if body.privacy == "SECRET":
        require_scopes(caller, "boards:write_secret")
    name, privacy = body.name, body.privacy
    if body.is_ads_only:
        name, privacy = ADS_ONLY_NAME, "PROTECTED"
    board = sandbox.add_board(
        caller.user.id, name, body.description, privacy, is_ads_only=body.is_ads_only
    )
    return view.board(board)


@router.get("/{board_id}")
async def get_board(
    board_id: BoardId, caller: BoardsReader, sandbox: SandboxDep, view: View
) -> dict[str, Any]:
    return view.board(visible_board(caller, sandbox, board_id))


@router.patch("/{board_id}")
async def update_board(
    board_id: BoardId, body: BoardUpdate, caller: BoardsWriter, sandbox: SandboxDep, view: View
) -> dict[str, Any]:
    board = writable_board(caller, sandbox, board_id)
    if body.privacy == "SECRET":
        require_scopes(caller, "boards:write_secret")
    changes = body.model_dump(include=body.model_fields_set)
    if changes.get("name") is not None:
        board.name = changes["name"]
    if "description" in changes:
        board.description = changes["description"]
    if changes.get("privacy") is not None:
        board.privacy = changes["privacy"]
    return view.board(board)


@router.delete("/{board_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_board(board_id: BoardId, caller: BoardsWriter, sandbox: SandboxDep) -> Response:
    sandbox.delete_board(writable_board(caller, sandbox, board_id).id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{board_id}/pins")
async def list_board_pins(
    board_id: BoardId,
    caller: BoardPinsReader,
    sandbox: SandboxDep,
    view: View,
    page: Paging,
    creative_types: CreativeTypes = None,
    pin_metrics: bool = False,
) -> dict[str, Any]:
    """Newest first."""
    board = visible_board(caller, sandbox, board_id)
    pins = [
        pin
        for pin in keep_creative_types(sandbox.pins_on_board(board.id), creative_types)
        if sees_pin(caller, sandbox, pin)
    ]
    return paginate(
        pins, page, lambda pin: view.pin(pin, with_metrics=pin_metrics), newest_first=True
    )


@router.get("/{board_id}/sections")
async def list_sections(
    board_id: BoardId, caller: BoardsReader, sandbox: SandboxDep, view: View, page: Paging
) -> dict[str, Any]:
    board = visible_board(caller, sandbox, board_id)
    return paginate(sandbox.sections_of(board.id), page, view.section, newest_first=False)


@router.post("/{board_id}/sections", status_code=status.HTTP_201_CREATED)
async def create_section(
    board_id: BoardId,
    body: BoardSectionWrite,
    caller: BoardsWriter,
    sandbox: SandboxDep,
    view: View,
) -> dict[str, Any]:
    board = writable_board(caller, sandbox, board_id)
    return view.section(sandbox.add_section(board.id, body.name))


@router.patch("/{board_id}/sections/{section_id}")
async def update_section(
    board_id: BoardId,
    section_id: SectionId,
    body: BoardSectionWrite,
    caller: BoardsWriter,
    sandbox: SandboxDep,
    view: View,
) -> dict[str, Any]:
    section = visible_section(sandbox, writable_board(caller, sandbox, board_id), section_id)
    section.name = body.name
    return view.section(section)


@router.delete("/{board_id}/sections/{section_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_section(
    board_id: BoardId, section_id: SectionId, caller: BoardsWriter, sandbox: SandboxDep
) -> Response:
    section = visible_section(sandbox, writable_board(caller, sandbox, board_id), section_id)
    sandbox.delete_section(section.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{board_id}/sections/{section_id}/pins")
async def list_section_pins(
    board_id: BoardId,
    section_id: SectionId,
    caller: BoardPinsReader,
    sandbox: SandboxDep,
    view: View,
    page: Paging,
) -> dict[str, Any]:
    section = visible_section(sandbox, visible_board(caller, sandbox, board_id), section_id)
    pins = [pin for pin in sandbox.pins_in_section(section.id) if sees_pin(caller, sandbox, pin)]
    return paginate(pins, page, view.pin, newest_first=True)
