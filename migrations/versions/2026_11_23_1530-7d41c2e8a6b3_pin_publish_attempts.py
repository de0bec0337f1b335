"""pin publish attempts

Revision ID: 7d41c2e8a6b3
Revises: 9a4f6c2d8e17
Create Date: 2026-11-23 15:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pinsmith.kit.db

revision: str = "7d41c2e8a6b3"
down_revision: str | None = "9a4f6c2d8e17"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pins", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "attempt_started_at", pinsmith.kit.db.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("pins", schema=None) as batch_op:
        batch_op.drop_column("attempt_started_at")
