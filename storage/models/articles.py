"""Articles, their per-category counts, and the LSH band keys of recent ones."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, UTCDateTime


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(Text)
    canonical_url: Mapped[str | None] = mapped_column(Text, unique=True)
    content: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(200))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sort_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(32), unique=True)
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)  # digest.neardup signature
    # Distinct sources that carried the story (rows of ``story_sources``), kept here so
    # that ranking by coverage reads no other table; and the most views one of them had.
    source_count: Mapped[int] = mapped_column(Integer, server_default="1")
    views: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        # /latest: newest first, keyset on (sort_at, id).
        Index("ix_articles_sort", "sort_at", "id"),
        # /category NAME: the same within one category.
        Index("ix_articles_category_sort", "category", "sort_at", "id"),
        # digests: what was ingested since a chat's previous digest.
        Index("ix_articles_ingested", "ingested_at", "id"),
    )


class StorySourceRow(Base):
    """One outlet's copy of a story: an article's own first copy, and every copy or rewrite
    that joined it later (``storage.story_sources``)."""

    __tablename__ = "story_sources"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    article_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("articles.id", ondelete="CASCADE")
    )
    # What makes two copies one source: the canonical URL when there is one, else the
    # text's hash and the outlet's name (``digest.batch.source_key``).
    source_key: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(String(300))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    views: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        # One row per source of a story (re-ingesting a file adds none); also the story's
        # sources in order for /read, and the cascade when an article is pruned.
        Index("ix_story_sources_article_key", "article_id", "source_key", unique=True),
        # Digests: stories that gained a source since a chat's previous digest.
        Index("ix_story_sources_ingested", "ingested_at", "article_id"),
        # Ingest: a copy seen before is its story's source again, whichever copy's text
        # and keys the story now has (issue 23.3).
        Index("ix_story_sources_key", "source_key"),
    )


class CategoryCount(Base):
    """Article counts per category, kept by ingest so /category never counts a million rows."""

    __tablename__ = "categories"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    article_count: Mapped[int] = mapped_column(BigInteger, default=0)


class ArticleBand(Base):
    """LSH band keys of recent articles: articles sharing a key are near-duplicate candidates.

    Only the dedup window's articles need them; older rows are deleted (``forget_old_bands``).
    """

    __tablename__ = "article_bands"
    # No foreign key: 21 rows per article are written at ingest, and rows of deleted articles
    # are deleted with them explicitly (``storage.prune``, ``forget_old_bands``).
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 - SQLAlchemy's convention

    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    # The article's publish day (days since 1970, UTC; None: undated): candidates published
    # far apart are dropped before their articles are read (``storage.neardup``).
    published_day: Mapped[int | None] = mapped_column(Integer)


class StoryKey(Base):
    """Story keys of recent articles (``digest.story_keys``): an article sharing one is a
    candidate for the same event, in any category. Kept, and forgotten, with the band keys
    (``storage.neardup``), for the same window."""

    __tablename__ = "story_keys"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 - SQLAlchemy's convention

    story_key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    published_day: Mapped[int | None] = mapped_column(Integer)
