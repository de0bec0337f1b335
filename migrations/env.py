"""Alembic environment: runs on the connection pinsmith hands over (kit/migrations.py).

Run from the command line (``alembic revision --autogenerate``), it connects with the URL from
pinsmith's settings instead.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection

from pinsmith.models import Base

target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_from_settings() -> None:
    from pinsmith.config import load_settings
    from pinsmith.kit.db import Database

    database = Database(load_settings().database_url)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(run_on)
    finally:
        await database.dispose()


if context.is_offline_mode():
    raise SystemExit("pinsmith migrations run online only: use `pinsmith db upgrade`")

handed_over = context.config.attributes.get("connection")
if handed_over is not None:
    run_on(handed_over)
else:
    asyncio.run(run_from_settings())
