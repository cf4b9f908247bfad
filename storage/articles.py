"""Article reads: newest-first listings by keyset pages, categories, articles by id.

Writes are ``storage.article_inserts``'. Functions take the session and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from digest.article import StoredArticle
from storage.models import Article, CategoryCount


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a newest-first listing stopped: the last article's (sort_at, id)."""

    sort_at: datetime
    article_id: int


ListedColumns = tuple[
    int,
    str,
    str | None,
    str,
    str,
    str | None,
    datetime | None,
    datetime,
    datetime,
    int,
    int | None,
]
ListedSelect = Select[*ListedColumns]
ListedRow = Row[*ListedColumns]

LISTED_COLUMNS = (
    Article.id,
    Article.title,
    Article.url,
    Article.summary,
    Article.category,
    Article.source,
    Article.published_at,
    Article.ingested_at,
    Article.sort_at,
    Article.source_count,
    Article.views,
)


def to_stored(row: ListedRow) -> StoredArticle:
    return StoredArticle(
        id=row.id,
        title=row.title,
        url=row.url,
        summary=row.summary,
        category=row.category,
        source=row.source,
        published_at=row.published_at,
        ingested_at=row.ingested_at,
        source_count=row.source_count,
        views=row.views,
    )


def _newest_first(query: ListedSelect, after: Cursor | None, limit: int) -> ListedSelect:
    if after is not None:
        query = query.where(
            or_(
                Article.sort_at < after.sort_at,
                and_(Article.sort_at == after.sort_at, Article.id < after.article_id),
            )
        )
    return query.order_by(Article.sort_at.desc(), Article.id.desc()).limit(limit)


@dataclass(frozen=True, slots=True)
class Page:
    articles: list[StoredArticle]
    next_cursor: Cursor | None


async def _page(
    session: AsyncSession, query: ListedSelect, after: Cursor | None, limit: int
) -> Page:
    rows = (await session.execute(_newest_first(query, after, limit + 1))).all()
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = Cursor(rows[-1].sort_at, rows[-1].id) if more and rows else None
    return Page([to_stored(row) for row in rows], cursor)


async def latest_articles(
    session: AsyncSession, *, limit: int, after: Cursor | None = None
) -> Page:
    """The newest articles by publish time (undated last), continuing after ``after``."""
    return await _page(session, select(*LISTED_COLUMNS), after, limit)


async def category_articles(
    session: AsyncSession, *, category: str, limit: int, after: Cursor | None = None
) -> Page:
    """The newest articles of one (canonical) category."""
    return await _page(
        session, select(*LISTED_COLUMNS).where(Article.category == category), after, limit
    )


async def category_counts(session: AsyncSession) -> list[tuple[str, int]]:
    """Categories that have articles, the largest first."""
    rows = await session.execute(
        select(CategoryCount.name, CategoryCount.article_count)
        .where(CategoryCount.article_count > 0)
        .order_by(CategoryCount.article_count.desc(), CategoryCount.name)
    )
    return [(name, count) for name, count in rows]


async def articles_by_ids(
    session: AsyncSession, ids: Sequence[int], *, offset: int = 0, limit: int | None = None
) -> list[StoredArticle]:
    """The articles with these ids, newest first (one query, however many ids); from the
    ``offset``-th on, at most ``limit`` of them (a page of search results)."""
    if not ids:
        return []
    rows = await session.execute(
        select(*LISTED_COLUMNS)
        .where(Article.id.in_(list(ids)))
        .order_by(Article.sort_at.desc(), Article.id.desc())
        .offset(offset or None)
        .limit(limit)
    )
    return [to_stored(row) for row in rows]


async def article_count(session: AsyncSession) -> int:
    """How many articles are stored (from the per-category counts, not a table scan)."""
    total = await session.scalar(select(func.coalesce(func.sum(CategoryCount.article_count), 0)))
    return int(total or 0)
