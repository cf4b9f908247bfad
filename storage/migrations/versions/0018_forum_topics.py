"""Forum topics: where a chat's digests and alerts go, and each queued message's topic.

In a supergroup with topics, a subscription made in a topic has its digests there
(``subscriptions.thread_id``), watches made in a topic their alerts
(``chats.alert_thread_id``); an outbox message carries the topic it goes to. None: the
chat itself (its General topic in a forum).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("subscriptions", sa.Column("thread_id", sa.BigInteger(), nullable=True))
    op.add_column("chats", sa.Column("alert_thread_id", sa.BigInteger(), nullable=True))
    op.add_column("outbox", sa.Column("thread_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    for table, column in (
        ("outbox", "thread_id"),
        ("chats", "alert_thread_id"),
        ("subscriptions", "thread_id"),
    ):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
