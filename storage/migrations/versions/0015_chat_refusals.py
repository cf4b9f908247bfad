"""Chats remember that Telegram refuses the bot there, subscribed or not.

A chat that blocked the bot had only its digest subscription paused: a chat with keyword
watches and no subscription (or an ended one) kept getting alerts queued, each refused in
turn. The refusal is the chat's now; existing paused subscriptions carry theirs over.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("chats", sa.Column("refused_reason", sa.Text(), nullable=True))
    op.execute(
        "UPDATE chats SET refused_reason = (SELECT s.paused_reason FROM subscriptions s "
        "WHERE s.chat_id = chats.id AND NOT s.active AND s.paused_reason IS NOT NULL)"
    )


def downgrade() -> None:
    with op.batch_alter_table("chats") as batch:
        batch.drop_column("refused_reason")
