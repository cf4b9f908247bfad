"""One story read in full: the part of its stored text a page shows, and its sources.
Functions take the session and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from digest.article import StoryExcerpt, StorySource
from storage.articles import LISTED_COLUMNS, ListedRow, to_stored
from storage.models import Article, StorySourceRow

# Characters of the text's hash a page's button carries, to tell that the text it was
# made from has since been replaced (by a more complete copy).
TEXT_KEY_CHARS = 6


async def story_excerpt(
    session: AsyncSession, article_id: int, *, start: int, length: int
) -> StoryExcerpt | None:
    """The story with ``length`` characters of its stored text from character ``start`` on
    (fewer at its end); ``None`` when no such story is stored (never was, or was pruned).

    Only that part leaves the database (``substr`` counts characters on SQLite and
    PostgreSQL alike): a stored text of megabytes is never read whole for a page of it.
    """
    piece = func.substr(Article.content, start + 1, length + 1).label("piece")
    row = (
        await session.execute(
            select(*LISTED_COLUMNS, Article.content_hash, piece).where(Article.id == article_id)
        )
    ).one_or_none()
    if row is None:
        return None
    text = row.piece or ""
    return StoryExcerpt(
        article=to_stored(cast(ListedRow, row)),  # the listed columns, and two more
        text=text[:length],
        start=start,
        more=len(text) > length,
        text_key=row.content_hash[:TEXT_KEY_CHARS],
    )


async def story_sources(session: AsyncSession, article_id: int) -> list[StorySource]:
    """The outlets that carried the story, the first one first: its own copy, then every
    copy and rewrite that joined it (``storage.story_sources``)."""
    return (await sources_of_stories(session, [article_id])).get(article_id, [])


async def sources_of_stories(
    session: AsyncSession, article_ids: Sequence[int]
) -> dict[int, list[StorySource]]:
    """``story_sources`` of each story, in one statement (ix_story_sources_article_key).
    This is the one place that reads stories' sources."""
    if not article_ids:
        return {}
    rows = await session.execute(
        select(StorySourceRow.article_id, StorySourceRow.source, StorySourceRow.url)
        .where(StorySourceRow.article_id.in_(list(article_ids)))
        .order_by(StorySourceRow.article_id, StorySourceRow.id)
    )
    found: dict[int, list[StorySource]] = {}
    for article_id, name, url in rows:
        if name or url:
            found.setdefault(article_id, []).append(StorySource(name=name, url=url))
    return found
