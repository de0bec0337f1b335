"""``/v5/user_account``: the token's account, its followers and whom it follows."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from pinsmith.sandbox.access import sees_board
from pinsmith.sandbox.auth import Caller, authorized
from pinsmith.sandbox.errors import Problem, SandboxError
from pinsmith.sandbox.pagination import Paging, paginate
from pinsmith.sandbox.params import SandboxDep
from pinsmith.sandbox.routing import SandboxRoute
from pinsmith.sandbox.schemas import FollowUserRequest
from pinsmith.sandbox.views import View

router = APIRouter(prefix="/v5/user_account", route_class=SandboxRoute, tags=["user_account"])

AccountReader = Annotated[Caller, Depends(authorized("org_read", "user_accounts:read"))]
# Pinterest files the followers list under ads_read (ESSENTIALS §12).
FollowersReader = Annotated[Caller, Depends(authorized("ads_read", "user_accounts:read"))]
FollowWriter = Annotated[Caller, Depends(authorized("org_write", "user_accounts:write"))]


@router.get("")
async def get_account(caller: AccountReader, view: View) -> dict[str, Any]:
    return view.account(caller.user)


@router.get("/followers")
async def list_followers(
    caller: FollowersReader, sandbox: SandboxDep, view: View, page: Paging
) -> dict[str, Any]:
    followers = list(reversed(sandbox.followers_of(caller.user.id)))
    return paginate(followers, page, view.user_summary, newest_first=True)


@router.get("/following")
async def list_following(
    caller: AccountReader, sandbox: SandboxDep, view: View, page: Paging
) -> dict[str, Any]:
    followed = sorted(sandbox.following_of(caller.user.id), key=lambda user: int(user.id))
    return paginate(followed, page, view.user_summary, newest_first=False)


@router.get("/following/boards")
async def list_followed_boards(
    caller: AccountReader, sandbox: SandboxDep, view: View, page: Paging
) -> dict[str, Any]:
    boards = [sandbox.board(board_id) for board_id in caller.user.following_board_ids]
    public = sorted(
        (b for b in boards if b and (b.privacy == "PUBLIC" or sees_board(caller, b))),
        key=lambda board: int(board.id),
    )
    return paginate(public, page, view.board, newest_first=False)


@router.post("/following/{username}")
async def follow_user(
    username: str, body: FollowUserRequest, caller: FollowWriter, sandbox: SandboxDep, view: View
) -> dict[str, Any]:
    if username.isdigit():
        raise SandboxError.invalid("username", "must be a username, not a numeric id")
    if username == caller.user.username:
        raise SandboxError.invalid("username", "you cannot follow yourself")
    try:
        followed = sandbox.follow(caller.user.id, username)
    except KeyError:
        raise SandboxError(Problem.USER_NOT_FOUND) from None
    return view.user_summary(followed)
