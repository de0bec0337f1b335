"""Typed FastAPI dependencies shared by every router: settings, database session, secret box."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.boards.selection_service import BoardSelector
from pinsmith.config import Settings
from pinsmith.kit.crypto import SecretBox
from pinsmith.kit.db import Database
from pinsmith.profiles.pinterest import PinterestAccess

T = TypeVar("T")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def get_secret_box(request: Request) -> SecretBox:
    box: SecretBox = request.app.state.secret_box
    return box


class RemoteCallRoute(APIRoute):
    """A route whose endpoint waits on Pinterest: its request transaction only reads.

    Nothing then holds the database's write lock (SQLite has one) across a network call, and the
    writes such a call causes (refreshed tokens, a profile marked for reconnecting) commit in
    transactions of their own.
    """


def get_pinterest(request: Request) -> PinterestAccess:
    access: PinterestAccess = request.app.state.pinterest
    return access


def get_board_selector(request: Request) -> BoardSelector:
    selector: BoardSelector = request.app.state.board_selector
    return selector


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's transaction: it commits after the endpoint returns, before the response."""
    database = get_database(request)
    write = request.method not in SAFE_METHODS and not isinstance(
        request.scope.get("route"), RemoteCallRoute
    )
    async with database.transaction(write=write) as session:
        yield session


def inline(getter: Callable[[Request], T]) -> Callable[[Request], Coroutine[Any, Any, T]]:
    """``getter`` as a dependency run on the event loop. FastAPI runs a plain ``def`` dependency
    in its thread pool: a round trip that costs far more than reading ``app.state``."""

    async def dependency(request: Request) -> T:
        return getter(request)

    return dependency


AppSettings = Annotated[Settings, Depends(inline(get_settings))]
AppDatabase = Annotated[Database, Depends(inline(get_database))]
Box = Annotated[SecretBox, Depends(inline(get_secret_box))]
Pinterest = Annotated[PinterestAccess, Depends(inline(get_pinterest))]
BoardSelection = Annotated[BoardSelector, Depends(inline(get_board_selector))]
DbSession = Annotated[AsyncSession, Depends(get_session, scope="function")]
