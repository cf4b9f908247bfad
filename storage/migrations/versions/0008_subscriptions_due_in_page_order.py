"""The due-digest index in the order the digest tick pages through it.

The tick reads due subscriptions in keyset pages ordered by (next_digest_at, chat_id); with
``chat_id`` in the index, each page is read in order instead of sorting every due row that
shares a ``next_digest_at`` (10,000 chats whose digest falls due at 08:00).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_subscriptions_due", table_name="subscriptions")
    op.create_index(
        "ix_subscriptions_due", "subscriptions", ["active", "next_digest_at", "chat_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_subscriptions_due", table_name="subscriptions")
    op.create_index("ix_subscriptions_due", "subscriptions", ["active", "next_digest_at"])
