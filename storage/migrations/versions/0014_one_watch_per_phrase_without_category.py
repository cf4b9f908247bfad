"""A chat watches a phrase with no category once: the unique index counts NULL as a value.

``ix_watches_chat_phrase`` was unique on (chat_id, phrase, category), where both databases
take two NULL categories for different values: two /watch commands at once (two processes)
could both add the same phrase with no category. The index is now on
``coalesce(category, '')``; the copies already there go first (each chat and phrase keeps
its lowest id, and an alert waiting with a copy's id names the watch kept instead).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

INDEX = "ix_watches_chat_phrase"
# The copies of a watch: the other rows of its chat, phrase and category (NULL too).
_COPIES = (
    "SELECT w.id FROM watches w JOIN watches k ON k.chat_id = w.chat_id "
    "AND k.phrase = w.phrase AND coalesce(k.category, '') = coalesce(w.category, '') "
    "AND k.id < w.id"
)
_KEPT = (
    "SELECT min(k.id) FROM watches w JOIN watches k ON k.chat_id = w.chat_id "
    "AND k.phrase = w.phrase AND coalesce(k.category, '') = coalesce(w.category, '') "
    "WHERE w.id = pending_alerts.watch_id"
)


def upgrade() -> None:
    op.execute(
        f"UPDATE pending_alerts SET watch_id = ({_KEPT}) "  # noqa: S608 - constants
        f"WHERE watch_id IN ({_COPIES})"
    )
    op.execute(f"DELETE FROM watches WHERE id IN ({_COPIES})")  # noqa: S608 - constants
    op.drop_index(INDEX, table_name="watches")
    op.create_index(
        INDEX, "watches", ["chat_id", "phrase", sa.text("coalesce(category, '')")], unique=True
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="watches")
    op.create_index(INDEX, "watches", ["chat_id", "phrase", "category"], unique=True)
