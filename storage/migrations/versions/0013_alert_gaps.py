"""The alert job remembers the article ids its cursor passed with no article there.

On PostgreSQL several writers take ids from one sequence and commit in any order: a bulk
ingest commits every 5,000 articles, a feed poll in another process meanwhile. The cursor,
past the feed poll's ids, never came back for the bulk ingest's lower ones.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_gaps",
        sa.Column("first_id", sa.BigInteger(), primary_key=True),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.Column("noticed_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("alert_gaps")
