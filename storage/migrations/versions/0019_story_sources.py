"""Stories keep every source: ``story_sources`` (one row per outlet's copy of a story) and
the articles' ``source_count`` and ``views``; ``story_keys``, by which a rewrite finds
the story it joins. Every stored article becomes a one-source
story: its own copy is backfilled as its first source, in one INSERT ... SELECT.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models.base import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# The key ``digest.story_sources.source_key`` gives an article's own copy, in SQL.
_OWN_SOURCE_KEY = "COALESCE(canonical_url, 'text:' || content_hash || ':' || COALESCE(source, ''))"


def upgrade() -> None:
    op.add_column(
        "articles",
        sa.Column("source_count", sa.Integer(), server_default="1", nullable=False),
    )
    op.add_column("articles", sa.Column("views", sa.BigInteger(), nullable=True))
    op.create_table(
        "story_sources",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column(
            "article_id",
            sa.BigInteger(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("source_key", sa.Text(), nullable=False),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("ingested_at", UTCDateTime(), nullable=False),
        sa.Column("views", sa.BigInteger(), nullable=True),
    )
    op.execute(
        "INSERT INTO story_sources "  # noqa: S608 - constant text
        "(article_id, source_key, source, url, title, published_at, ingested_at) "
        f"SELECT id, {_OWN_SOURCE_KEY}, source, url, title, published_at, ingested_at "
        "FROM articles ORDER BY id"
    )
    op.create_index(
        "ix_story_sources_article_key", "story_sources", ["article_id", "source_key"], unique=True
    )
    op.create_index("ix_story_sources_ingested", "story_sources", ["ingested_at", "article_id"])
    op.create_index("ix_story_sources_key", "story_sources", ["source_key"])
    # Filled by ingest from now on: articles stored before join no rewrite, only copies.
    op.create_table(
        "story_keys",
        sa.Column("story_key", sa.BigInteger(), primary_key=True),
        sa.Column("article_id", sa.BigInteger(), primary_key=True),
        sa.Column("published_day", sa.Integer(), nullable=True),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("story_keys")
    op.drop_table("story_sources")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("views")
        batch.drop_column("source_count")
