"""A digest's window: the stories new in it (a source ingested in it), the most widely
carried first, and the other sources of those that have several. Functions take the
session and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from digest.article import StoredArticle, StorySource
from storage.articles import LISTED_COLUMNS, to_stored
from storage.models import Article, StorySourceRow
from storage.news_age import is_news
from storage.story_reads import sources_of_stories


@dataclass(frozen=True, slots=True)
class DigestWindow:
    """What a digest may list: stories with a source ingested in (since, until] (a story
    that grew since counts), in ``categories`` (every category when empty, but
    ``excluded``), that were news when ingested (published at most ``max_age`` before;
    ``None``: any age). Chats due together with the same window share its stories."""

    categories: tuple[str, ...]
    since: datetime
    until: datetime
    excluded: tuple[str, ...] = ()
    max_age: timedelta | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        grown = select(StorySourceRow.article_id).where(
            StorySourceRow.ingested_at > self.since, StorySourceRow.ingested_at <= self.until
        )
        conditions = [Article.id.in_(grown), is_news(self.max_age)]
        if self.categories:
            conditions.append(Article.category.in_(self.categories))
        elif self.excluded:
            conditions.append(Article.category.not_in(self.excluded))
        return conditions


@dataclass(frozen=True, slots=True)
class WindowArticles:
    """A window's most widely carried stories (``source_count``, then newest first), how
    many it holds, its lowest id, and the sources of those that have several."""

    articles: list[StoredArticle]
    total: int
    lowest_id: int | None  # None: the window is empty
    sources: dict[int, list[StorySource]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return len(self.articles) == self.total


async def window_articles(
    session: AsyncSession, window: DigestWindow, *, limit: int
) -> WindowArticles:
    """At most ``limit`` of the window's stories, the most sources first (then newest):
    ``digest.importance`` ranks them, and its terms after the sources never outweigh one
    source, so these are the window's most important but for ties at the last count."""
    rows = await session.execute(
        select(*LISTED_COLUMNS)
        .where(*window.conditions())
        .order_by(Article.source_count.desc(), Article.sort_at.desc(), Article.id.desc())
        .limit(limit)
    )
    articles = [to_stored(row) for row in rows]
    sources = await sources_of_stories(session, _several(articles))
    if len(articles) < limit:
        lowest = min((a.id for a in articles), default=None)
        return WindowArticles(articles, len(articles), lowest, sources)
    counted = await session.execute(
        select(func.count(), func.min(Article.id)).where(*window.conditions())
    )
    total, lowest = counted.one()
    return WindowArticles(articles, int(total), lowest, sources)


def _several(articles: Sequence[StoredArticle]) -> list[int]:
    return [article.id for article in articles if article.source_count > 1]
