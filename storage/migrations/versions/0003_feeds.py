"""Feeds the bot polls by itself, and an index for /stats on the outbox.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import BigId, UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("url", sa.Text(), nullable=False, unique=True),
        sa.Column("title", sa.String(300)),
        sa.Column("category", sa.String(64)),
        sa.Column("etag", sa.Text()),
        sa.Column("last_modified", sa.String(100)),
        sa.Column("ttl_seconds", sa.Integer()),
        sa.Column("next_poll_at", UTCDateTime(), nullable=False),
        sa.Column("last_success_at", UTCDateTime()),
        sa.Column("last_error", sa.Text()),
        sa.Column("last_error_at", UTCDateTime()),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("failing_since", UTCDateTime()),
        sa.Column("broken", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("item_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("articles_added", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_feeds_due", "feeds", ["next_poll_at"])
    op.create_index("ix_feeds_last_error", "feeds", ["last_error_at"])
    op.create_index("ix_outbox_sent", "outbox", ["kind", "status", "sent_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_sent", table_name="outbox")
    op.drop_table("feeds")
