"""Article writes: a batch of records stored as new stories, or as better copies of stored
ones. Functions take the session and never commit: the caller does."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from digest.batch import better_copy, unique_in_batch
from digest.pipeline import ArticleRecord
from storage.bulk import dialect_insert, insert_new_returning
from storage.fitting import fitting_records
from storage.models import UNDATED_SORT_AT, Article, CategoryCount
from storage.neardup import find_near_duplicates, store_bands
from storage.search import index_articles, make_room, unindex_articles


@dataclass(frozen=True, slots=True)
class InsertOutcome:
    new_ids: list[int]
    duplicates: int


ARTICLE_TABLE = cast(Table, Article.__table__)
ARTICLE_COLUMNS = (
    "title",
    "url",
    "canonical_url",
    "content",
    "summary",
    "category",
    "source",
    "published_at",
    "sort_at",
    "ingested_at",
    "content_hash",
    "minhash",
)
CATEGORY_TABLE = cast(Table, CategoryCount.__table__)


async def insert_articles(
    session: AsyncSession, records: Sequence[ArticleRecord], *, now: datetime
) -> InsertOutcome:
    """Store the records that are new stories, in one statement; index them.

    A record is a duplicate when a stored article (or another record of the batch) has its
    canonical URL, its content hash, or is its near-duplicate (``storage.neardup``). A
    duplicate that is the better copy (``digest.batch.better_copy``) replaces the stored
    text, keeping the article's id. Concurrent writers are safe: the unique constraints
    decide, through ``ON CONFLICT DO NOTHING``. Texts longer than their columns are cut
    (``storage.fitting``).
    """
    await make_room(session, len(records))
    unique = unique_in_batch(fitting_records(records))
    near = await find_near_duplicates(session, unique, now=now)
    if near:
        await _keep_better_copies(session, [(near[i], unique[i]) for i in near])
    fresh = [record for index, record in enumerate(unique) if index not in near]
    if not fresh:
        return InsertOutcome(new_ids=[], duplicates=len(records))
    rows = [
        (
            r.title,
            r.url,
            r.canonical_url,
            r.content,
            r.summary,
            r.category,
            r.source,
            r.published_at,
            r.published_at or UNDATED_SORT_AT,
            now,
            r.content_hash,
            r.signature,
        )
        for r in fresh
    ]
    inserted = await insert_new_returning(
        session, ARTICLE_TABLE, ARTICLE_COLUMNS, rows, ("id", "content_hash", "category")
    )
    by_hash = {record.content_hash: record for record in fresh}
    stored = [(row.id, by_hash[row.content_hash]) for row in inserted]
    await index_articles(session, [(article_id, r.search_text) for article_id, r in stored])
    await store_bands(session, stored)
    await _add_category_counts(session, Counter(row.category for row in inserted))
    return InsertOutcome(
        new_ids=[row.id for row in inserted], duplicates=len(records) - len(inserted)
    )


async def _keep_better_copies(
    session: AsyncSession, pairs: Sequence[tuple[int, ArticleRecord]]
) -> None:
    """Replace stored text with a more complete copy of the same story (rare: row by row)."""
    rows = await session.execute(
        select(Article.id, Article.content, Article.url).where(
            Article.id.in_([article_id for article_id, _ in pairs])
        )
    )
    stored = {row.id: row for row in rows}
    for article_id, record in pairs:
        row = stored.get(article_id)
        if row is None:
            continue
        if not better_copy(record, row.content, row.url):
            continue
        values: dict[str, object] = {
            "title": record.title,
            "content": record.content,
            "summary": record.summary,
            "minhash": record.signature,
        }
        if record.url is not None:
            values |= {"url": record.url}
        try:
            async with session.begin_nested():
                await unindex_articles(session, [article_id])  # before its text changes
                await session.execute(
                    update(Article).where(Article.id == article_id).values(**values)
                )
                await index_articles(session, [(article_id, record.search_text)])
        except IntegrityError:
            continue  # another stored article already has this text or URL


async def _add_category_counts(session: AsyncSession, counts: Counter[str]) -> None:
    if not counts:
        return
    statement = dialect_insert(session)(CATEGORY_TABLE)
    statement = statement.on_conflict_do_update(
        index_elements=[CATEGORY_TABLE.c.name],
        set_={"article_count": CATEGORY_TABLE.c.article_count + statement.excluded.article_count},
    )
    await session.execute(
        statement, [{"name": name, "article_count": count} for name, count in counts.items()]
    )
