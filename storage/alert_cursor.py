"""The alert job's cursor over the articles table, and the articles it reads past it."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.claims import begin_claim
from storage.models import Article, JobCursor


async def claim_cursor(session: AsyncSession, name: str, *, start_before: datetime) -> int | None:
    """The job's position, locked for this transaction; ``None`` when another process is
    running the job right now. A new cursor starts at the last article ingested before
    ``start_before`` (older articles are never matched)."""
    use_row_lock = await begin_claim(session, table="job_cursors")
    query = select(JobCursor).where(JobCursor.name == name)
    if use_row_lock:
        query = query.with_for_update(skip_locked=True)
    cursor = await session.scalar(query)
    if cursor is None:
        start = await _last_article_id_before(session, start_before)
        upsert = pg_insert if use_row_lock else sqlite_insert
        await session.execute(
            upsert(JobCursor).values(name=name, position=start).on_conflict_do_nothing()
        )
        # Ours now, or (another process created it first) locked by it or moved by it.
        cursor = await session.scalar(query)
    return cursor.position if cursor is not None else None


async def move_cursor(session: AsyncSession, name: str, position: int) -> None:
    await session.execute(
        update(JobCursor).where(JobCursor.name == name).values(position=position)
    )


async def _last_article_id_before(session: AsyncSession, moment: datetime) -> int:
    # Once per database (a new cursor): a scan of ix_articles_ingested is fine.
    found = await session.scalar(select(func.max(Article.id)).where(Article.ingested_at < moment))
    return int(found or 0)


async def last_article_to_match(
    session: AsyncSession, *, after_id: int, ingested_before: datetime
) -> int:
    """The id the cursor would reach by reading every article to match (when there is no
    watch to match them against); ``after_id`` when there is none. Primary-key ranges."""
    newer = Article.id > after_id
    too_new = await session.scalar(
        select(func.min(Article.id)).where(newer, Article.ingested_at >= ingested_before)
    )
    if too_new is not None:
        newer &= Article.id < too_new
    found = await session.scalar(select(func.max(Article.id)).where(newer))
    return int(found or after_id)


@dataclass(frozen=True, slots=True)
class ArticlesToMatch:
    """A page of articles for the alert job, as columns."""

    ids: list[int]
    texts: list[str]  # title and body, a line apart: what watches match
    categories: list[str]
    published: list[datetime | None]
    ingested: list[datetime]

    def only(self, keep: Sequence[bool]) -> ArticlesToMatch:
        """The articles whose ``keep`` is true, in the same order."""
        kept = [index for index, wanted in enumerate(keep) if wanted]
        return ArticlesToMatch(
            [self.ids[i] for i in kept],
            [self.texts[i] for i in kept],
            [self.categories[i] for i in kept],
            [self.published[i] for i in kept],
            [self.ingested[i] for i in kept],
        )


def match_columns(rows: Sequence[Sequence[Any]]) -> ArticlesToMatch:
    """Rows of (id, text, category, published_at, ingested_at) as columns."""
    return ArticlesToMatch(
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        [r[3] for r in rows],
        [r[4] for r in rows],
    )


async def articles_to_match(
    session: AsyncSession, *, after_id: int, ingested_before: datetime, limit: int
) -> ArticlesToMatch:
    """Articles past the cursor, in id order, up to the first one ingested at
    ``ingested_before`` or later: only the columns matching needs, the title and body
    joined by the database.

    A writer that took an id earlier but commits later is given that long to commit before
    the cursor passes its id. The page stops at the first article too new, not just leaves
    it out: the clock of a process can stamp a lower id later than a higher one, and a
    cursor past the higher one would never come back for it.
    """
    # The table's columns, not the model's: rows without the ORM's work per row.
    articles = cast(Table, Article.__table__).c
    page = await session.execute(
        select(
            articles.id,
            articles.title + "\n" + articles.content,
            articles.category,
            articles.published_at,
            articles.ingested_at,
        )
        .where(articles.id > after_id)
        .order_by(articles.id)
        .limit(limit)
    )
    rows = list(itertools.takewhile(lambda row: row[4] < ingested_before, page.all()))
    return match_columns(rows)


async def first_ingested_after(session: AsyncSession, after_id: int) -> datetime | None:
    """When the first article past the cursor was ingested (the primary key's first row
    past it); None when there is none."""
    return await session.scalar(
        select(Article.ingested_at).where(Article.id > after_id).order_by(Article.id).limit(1)
    )
