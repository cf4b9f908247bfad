"""Keyword watches, alerts waiting out quiet hours, job cursors, chats' quiet hours.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import BigId, UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("chats", sa.Column("quiet_start", sa.String(5)))
    op.add_column("chats", sa.Column("quiet_end", sa.String(5)))
    op.create_table(
        "watches",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("phrase", sa.String(100), nullable=False),
        sa.Column("category", sa.String(64)),
        sa.Column("match_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index(
        "ix_watches_chat_phrase", "watches", ["chat_id", "phrase", "category"], unique=True
    )
    op.create_table(
        "pending_alerts",
        sa.Column("chat_id", sa.BigInteger(), primary_key=True),
        sa.Column("article_id", sa.BigInteger(), primary_key=True),
        sa.Column("phrases", sa.Text(), nullable=False),
        sa.Column("watch_id", sa.BigInteger(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_pending_alerts_due", "pending_alerts", ["due_at"])
    op.create_table(
        "job_cursors",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("position", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("job_cursors")
    op.drop_table("pending_alerts")
    op.drop_table("watches")
    with op.batch_alter_table("chats") as batch:
        batch.drop_column("quiet_end")
        batch.drop_column("quiet_start")
