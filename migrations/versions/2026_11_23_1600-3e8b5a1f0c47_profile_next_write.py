"""profile next write

Revision ID: 3e8b5a1f0c47
Revises: 7d41c2e8a6b3
Create Date: 2026-11-23 16:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pinsmith.kit.db

revision: str = "3e8b5a1f0c47"
down_revision: str | None = "7d41c2e8a6b3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("profile_schedules", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("next_write_at", pinsmith.kit.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("profile_schedules", schema=None) as batch_op:
        batch_op.drop_column("next_write_at")
