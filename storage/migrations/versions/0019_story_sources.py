"""Stories keep every source: ``story_sources`` (one row per outlet's copy of a story) and
the articles' ``source_count`` and ``views``; ``story_keys``, by which a rewrite finds
the story it joins. Every stored article becomes a one-source
story: its own copy is backfilled as its first source, in one INSERT ... SELECT. The story
keys of the articles of the newest week (``storage.neardup.BAND_RETENTION``, as long as
ingest keeps them) are computed here, so a rewrite arriving just after the upgrade finds the
story it retells.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from digest.story_keys import event_keys_of
from storage.models.base import UTCDateTime
from storage.neardup import BAND_RETENTION, published_day

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
    _backfill_story_keys(op.get_bind())


_BATCH = 2_000
_ARTICLES = sa.table(
    "articles",
    sa.column("id", sa.BigInteger()),
    sa.column("title", sa.Text()),
    sa.column("content", sa.Text()),
    sa.column("published_at", UTCDateTime()),
    sa.column("ingested_at", UTCDateTime()),
)
_STORY_KEYS = sa.table(
    "story_keys",
    sa.column("story_key", sa.BigInteger()),
    sa.column("article_id", sa.BigInteger()),
    sa.column("published_day", sa.Integer()),
)


def _backfill_story_keys(bind: sa.Connection) -> None:
    """Story keys of the articles ingested in the week before the newest one, in batches."""
    newest = bind.execute(sa.select(sa.func.max(_ARTICLES.c.ingested_at))).scalar()
    if newest is None:
        return
    since = newest - BAND_RETENTION
    after = -1
    while True:
        rows = bind.execute(
            sa.select(
                _ARTICLES.c.id, _ARTICLES.c.title, _ARTICLES.c.content, _ARTICLES.c.published_at
            )
            .where(_ARTICLES.c.id > after, _ARTICLES.c.ingested_at >= since)
            .order_by(_ARTICLES.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        after = rows[-1].id
        keys = event_keys_of([row.title for row in rows], [row.content for row in rows])
        values = [
            {
                "story_key": key,
                "article_id": row.id,
                "published_day": published_day(row.published_at),
            }
            for row, found in zip(rows, keys, strict=True)
            for key in set(found)
        ]
        if values:
            bind.execute(_STORY_KEYS.insert(), values)


def downgrade() -> None:
    op.drop_table("story_keys")
    op.drop_table("story_sources")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("views")
        batch.drop_column("source_count")
