"""Typed FastAPI dependencies shared by every router: settings, database session, secret box."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.config import Settings
from pinsmith.kit.crypto import SecretBox
from pinsmith.kit.db import Database

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


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's transaction: it commits after the endpoint returns, before the response."""
    database = get_database(request)
    async with database.transaction(write=request.method not in SAFE_METHODS) as session:
        yield session


AppSettings = Annotated[Settings, Depends(get_settings)]
AppDatabase = Annotated[Database, Depends(get_database)]
Box = Annotated[SecretBox, Depends(get_secret_box)]
DbSession = Annotated[AsyncSession, Depends(get_session, scope="function")]
