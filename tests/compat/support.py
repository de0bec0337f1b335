"""Small helpers for Pin Generator's API tests: calls with the access key, rows to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy import select, update

from pinsmith.kit.db import Database
from pinsmith.models import MediaFile, Pin, User


async def call(client: AsyncClient, endpoint: str, secret: str | None, body: Any) -> Response:
    headers = {"access_key": secret} if secret is not None else {}
    return await client.post(f"/api/{endpoint}", json=body, headers=headers)


async def set_credits(database: Database, user_id: int, credits: int | None) -> None:
    async with database.transaction() as session:
        await session.execute(update(User).where(User.id == user_id).values(credits=credits))


async def credits_of(database: Database, user_id: int) -> int | None:
    async with database.transaction(write=False) as session:
        user = await session.get(User, user_id)
        assert user is not None
        return user.credits


async def pins_of(database: Database, user_id: int) -> list[Pin]:
    async with database.transaction(write=False) as session:
        rows = await session.execute(select(Pin).where(Pin.user_id == user_id).order_by(Pin.id))
        return list(rows.scalars())


async def media_of(database: Database, user_id: int) -> list[MediaFile]:
    async with database.transaction(write=False) as session:
        statement = select(MediaFile).where(MediaFile.user_id == user_id).order_by(MediaFile.id)
        return list((await session.execute(statement)).scalars())


def renders_under(media_dir: Path) -> list[Path]:
    folder = media_dir / "renders"
    return sorted(path for path in folder.glob("*") if path.is_file()) if folder.is_dir() else []
