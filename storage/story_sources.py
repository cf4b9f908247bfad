"""The sources of stories: every outlet's copy kept as a row of ``story_sources``, and the
stories' ``source_count`` kept in step. Functions take the session and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from digest.batch import source_key
from digest.pipeline import ArticleRecord
from storage.bulk import IDS_PER_STATEMENT, chunks, insert_rows
from storage.models import Article, StorySourceRow

SOURCE_TABLE = cast(Table, StorySourceRow.__table__)
SOURCE_COLUMNS = (
    "article_id",
    "source_key",
    "source",
    "url",
    "title",
    "published_at",
    "ingested_at",
    "views",
)


def _row(article_id: int, record: ArticleRecord, now: datetime) -> tuple[object, ...]:
    return (
        article_id,
        source_key(record),
        record.source,
        record.url,
        record.title,
        record.published_at,
        now,
        record.views,
    )


async def stories_of_known_sources(
    session: AsyncSession, records: Sequence[ArticleRecord], positions: Sequence[int]
) -> dict[int, int]:
    """The stored stories that have the records at ``positions`` as a source already (by
    ``source_key``), by position: one statement a chunk. A story keeps every copy's key
    this way, so a copy ingested again finds its story after its near-duplicate keys
    expired and after a better copy replaced the story's text, URL and hash."""
    by_key: dict[str, list[int]] = {}
    for position in positions:
        by_key.setdefault(source_key(records[position]), []).append(position)
    found: dict[int, int] = {}
    sources = SOURCE_TABLE.c
    for keys in chunks(sorted(by_key), IDS_PER_STATEMENT):
        rows = await session.execute(
            select(sources.source_key, func.min(sources.article_id))
            .where(sources.source_key.in_(keys))
            .group_by(sources.source_key)
        )
        for key, article_id in rows:
            found |= dict.fromkeys(by_key[key], article_id)
    return found


async def add_first_sources(
    session: AsyncSession, stored: Sequence[tuple[int, ArticleRecord]], *, now: datetime
) -> None:
    """Each new story's own copy as its first source (its ``source_count`` is 1 already)."""
    rows = [_row(article_id, record, now) for article_id, record in stored]
    await insert_rows(session, SOURCE_TABLE, SOURCE_COLUMNS, rows, keep=True)


async def add_sources(
    session: AsyncSession, joined: Sequence[tuple[int, ArticleRecord]], *, now: datetime
) -> None:
    """Copies and rewrites that join stored stories: each a source unless the story has it
    already (``source_key``: the same canonical URL, or the same text from the same outlet),
    and each story's ``source_count`` and ``views`` counted again, one statement for all."""
    if not joined:
        return
    rows = [_row(article_id, record, now) for article_id, record in joined]
    await insert_rows(session, SOURCE_TABLE, SOURCE_COLUMNS, rows, keep=True)
    sources = SOURCE_TABLE.c
    of_story = sources.article_id == Article.id
    counted = select(func.count()).where(of_story).scalar_subquery()
    most_views = select(func.max(sources.views)).where(of_story).scalar_subquery()
    for ids in chunks(sorted({article_id for article_id, _ in joined}), IDS_PER_STATEMENT):
        await session.execute(
            update(Article)
            .where(Article.id.in_(list(ids)))
            .values(source_count=counted, views=most_views)
            .execution_options(synchronize_session=False)
        )
