"""Subscriptions, the delivery ledger, the outbox and job heartbeats.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import BigId, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column(
            "chat_id",
            sa.BigInteger(),
            sa.ForeignKey("chats.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("categories", sa.Text(), nullable=False, server_default=""),
        sa.Column("digest_time", sa.String(5), nullable=False),
        sa.Column("next_digest_at", UTCDateTime(), nullable=False),
        sa.Column("last_digest_at", UTCDateTime()),
        sa.Column("paused_reason", sa.Text()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_subscriptions_due", "subscriptions", ["active", "next_digest_at"])
    op.create_table(
        "deliveries",
        sa.Column("chat_id", sa.BigInteger(), primary_key=True),
        sa.Column("article_id", sa.BigInteger(), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("batch", sa.String(32), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("buttons", sa.Text()),
        sa.Column("status", sa.String(8), nullable=False, server_default="pending"),
        sa.Column("not_before", UTCDateTime(), nullable=False),
        sa.Column("claimed_until", UTCDateTime()),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime()),
    )
    op.create_index("ix_outbox_ready", "outbox", ["status", "not_before", "id"])
    op.create_index("ix_outbox_chat", "outbox", ["chat_id", "status"])
    op.create_table(
        "heartbeats",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("detail", sa.Text()),
    )


def downgrade() -> None:
    op.drop_table("heartbeats")
    op.drop_table("outbox")
    op.drop_table("deliveries")
    op.drop_table("subscriptions")
