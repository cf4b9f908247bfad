"""Articles, category counts, chats and the full-text index.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

from storage.models import BigId, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("url", sa.Text()),
        sa.Column("canonical_url", sa.Text(), unique=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("source", sa.String(200)),
        sa.Column("published_at", UTCDateTime()),
        sa.Column("sort_at", UTCDateTime(), nullable=False),
        sa.Column("ingested_at", UTCDateTime(), nullable=False),
        sa.Column("content_hash", sa.String(32), nullable=False, unique=True),
    )
    op.create_index("ix_articles_sort", "articles", ["sort_at", "id"])
    op.create_index("ix_articles_category_sort", "articles", ["category", "sort_at", "id"])
    op.create_index("ix_articles_ingested", "articles", ["ingested_at", "id"])
    op.create_table(
        "categories",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("article_count", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.create_table(
        "chats",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200)),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        # Character bigrams, space-separated (digest.search_terms): unicode61 splits on the
        # spaces, so a Chinese word is the phrase of its bigrams. rowid is the article id.
        op.execute("CREATE VIRTUAL TABLE article_fts USING fts5(terms, tokenize='unicode61')")
    else:
        op.create_table(
            "article_terms",
            sa.Column(
                "article_id",
                sa.BigInteger(),
                sa.ForeignKey("articles.id", ondelete="CASCADE"),
                primary_key=True,
            ),
            sa.Column("terms", TSVECTOR(), nullable=False),
        )
        op.execute("CREATE INDEX ix_article_terms_gin ON article_terms USING gin (terms)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE article_fts")
    else:
        op.drop_table("article_terms")
    op.drop_table("chats")
    op.drop_table("categories")
    op.drop_table("articles")
