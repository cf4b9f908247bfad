"""Near-duplicate detection: each article's MinHash signature and its LSH band keys.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("minhash", sa.LargeBinary()))
    op.create_table(
        "article_bands",
        sa.Column("band_key", sa.BigInteger(), primary_key=True),
        sa.Column(
            "article_id",
            sa.BigInteger(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )


def downgrade() -> None:
    op.drop_table("article_bands")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("minhash")
