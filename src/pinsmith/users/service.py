"""Accounts: who may use pinsmith, on which plan, with which limits."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.config import Settings
from pinsmith.kit.errors import Conflict, NotFound
from pinsmith.models import User
from pinsmith.users.repository import UserRepository
from pinsmith.users.schemas import MeUpdate, UserCreate, UserUpdate


async def create(session: AsyncSession, settings: Settings, data: UserCreate) -> User:
    repository = UserRepository(session)
    if await repository.get_by_username(data.username) is not None:
        raise Conflict(f"User '{data.username}' already exists")
    user = User(
        username=data.username,
        pinterest_user_id=data.pinterest_user_id,
        timezone=data.timezone or settings.default_timezone,
        daily_pin_limit=(
            settings.default_daily_pin_limit
            if data.daily_pin_limit is None
            else data.daily_pin_limit
        ),
        plan=data.plan or settings.default_plan,
        credits=data.credits,
        is_approved=data.is_approved,
        is_admin=data.is_admin,
    )
    return await repository.add(user)


async def sign_up(
    session: AsyncSession, settings: Settings, pinterest_user_id: str, pinterest_username: str
) -> User:
    """A new account for someone who signed in with Pinterest.

    The first account of a deployment is its admin; later ones wait for an admin's approval
    unless the deployment approves everyone (PINSMITH_AUTO_APPROVE).
    """
    repository = UserRepository(session)
    is_first = not await repository.exists_any()
    base = username_from(pinterest_username) or f"pinner{pinterest_user_id}"
    taken = await repository.taken_usernames(base)
    username = next(
        candidate
        for candidate in (base, *(f"{base}_{n}" for n in range(2, len(taken) + 3)))
        if candidate not in taken
    )
    return await create(
        session,
        settings,
        UserCreate(
            username=username,
            pinterest_user_id=pinterest_user_id,
            is_admin=is_first,
            is_approved=is_first or settings.auto_approve,
        ),
    )


def username_from(pinterest_username: str) -> str:
    """Pinterest's username made fit for pinsmith's (letters, digits, ``_.-``; 60 at most)."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "", pinterest_username).lstrip("_.-")
    return cleaned[:60]


async def get_by_username(session: AsyncSession, username: str) -> User:
    user = await UserRepository(session).get_by_username(username)
    if user is None:
        raise NotFound(f"User '{username}' not found")
    return user


async def update(session: AsyncSession, user: User, data: UserUpdate) -> User:
    for field in data.model_fields_set:
        value = getattr(data, field)
        if value is None and field != "credits":
            continue  # only credits is nullable (null = unlimited)
        setattr(user, field, value)
    await session.flush()
    return user


async def update_settings(session: AsyncSession, user: User, data: MeUpdate) -> User:
    """The user's own settings; none of them is nullable, so ``null`` leaves one as it is."""
    return await update(session, user, UserUpdate(**data.model_dump(exclude_unset=True)))


async def list_all(session: AsyncSession) -> Sequence[User]:
    return await UserRepository(session).list_all()
