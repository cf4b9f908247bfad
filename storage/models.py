"""SQLAlchemy 2 models. Times are stored as UTC and always come back timezone-aware."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    Dialect,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only aliases INTEGER PRIMARY KEY to the rowid (and so auto-increments it).
BigId = BigInteger().with_variant(Integer(), "sqlite")

# Articles with no known publish time sort as if published at this instant: below every
# dated article, so they never outrank one, while keeping the sort column NOT NULL for
# keyset pagination on one index.
UNDATED_SORT_AT = datetime(1970, 1, 1, tzinfo=UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (naive text) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self,
        value: datetime | None,
        dialect: Dialect,  # noqa: ARG002 - fixed signature
    ) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


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

    __table_args__ = (
        # /latest: newest first, keyset on (sort_at, id).
        Index("ix_articles_sort", "sort_at", "id"),
        # /category NAME: the same within one category.
        Index("ix_articles_category_sort", "category", "sort_at", "id"),
        # digests: what was ingested since a chat's previous digest.
        Index("ix_articles_ingested", "ingested_at", "id"),
    )


class CategoryCount(Base):
    """Article counts per category, kept by ingest so /category never counts a million rows."""

    __tablename__ = "categories"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    article_count: Mapped[int] = mapped_column(BigInteger, default=0)


class Chat(Base):
    """A chat the bot has talked to, with its language and time zone."""

    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
