"""profile schedules

Revision ID: 5c3e9a7d1b20
Revises: 5b0d2f7a91c3
Create Date: 2026-11-23 14:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pinsmith.kit.db

revision: str = "5c3e9a7d1b20"
down_revision: str | None = "5b0d2f7a91c3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "profile_schedules",
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("slots", sa.JSON(), nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("jitter_minutes", sa.Integer(), nullable=False),
        sa.Column("paused_at", pinsmith.kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("pause_reason", sa.String(length=500), nullable=True),
        sa.Column("updated_at", pinsmith.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", pinsmith.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["pinterest_profiles.id"],
            name=op.f("fk_profile_schedules_profile_id_pinterest_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("profile_id", name=op.f("pk_profile_schedules")),
    )


def downgrade() -> None:
    op.drop_table("profile_schedules")
