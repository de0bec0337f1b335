"""custom templates

Revision ID: 366a06c48950
Revises: 3e8b5a1f0c47
Create Date: 2026-11-23 17:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pinsmith.kit.db

revision: str = "366a06c48950"
down_revision: str | None = "3e8b5a1f0c47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "custom_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("updated_at", pinsmith.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", pinsmith.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_custom_templates_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_templates")),
    )
    with op.batch_alter_table("custom_templates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_custom_templates_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("custom_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custom_templates_user_id"))

    op.drop_table("custom_templates")
