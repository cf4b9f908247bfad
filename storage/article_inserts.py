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

from digest.batch import better_copy, stories_in_batch
from digest.pipeline import ArticleRecord
from digest.story_batch import EventTexts, rewrites_in_batch
from storage.bulk import dialect_insert, insert_new_returning
from storage.fitting import fitting_records
from storage.models import UNDATED_SORT_AT, Article, CategoryCount
from storage.neardup import find_near_duplicates, store_bands
from storage.search import index_articles, make_room, unindex_articles
from storage.story_matching import find_rewrites
from storage.story_sources import add_first_sources, add_sources, stories_of_known_sources


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
    "views",
)
CATEGORY_TABLE = cast(Table, CategoryCount.__table__)


async def insert_articles(
    session: AsyncSession, records: Sequence[ArticleRecord], *, now: datetime
) -> InsertOutcome:
    """Store the records that are new stories, in one statement; index them; keep every
    copy as a source of its story.

    A record is a copy of a story when a stored article (or another record of the batch)
    has its canonical URL, its content hash, or is its near-duplicate (``storage.neardup``).
    A copy becomes one more source of the story (``storage.story_sources``); one that is the
    better copy (``digest.batch.better_copy``) also replaces the stored text, keeping the
    article's id. Concurrent writers are safe: the unique constraints decide, through
    ``ON CONFLICT DO NOTHING``. Texts longer than their columns are cut
    (``storage.fitting``).
    """
    await make_room(session, len(records))
    batch = stories_in_batch(fitting_records(records))
    unique = batch.kept
    story_of = await find_near_duplicates(session, unique, now=now)  # position → article id
    story_of |= await stories_of_known_sources(session, unique, range(len(unique)))
    if story_of:
        await _keep_better_copies(session, [(story_of[i], unique[i]) for i in story_of])
    # Rewrites join a stored story, or the story of an earlier record of the batch.
    events = EventTexts(unique)
    others = [index for index in range(len(unique)) if index not in story_of]
    story_of |= await find_rewrites(session, unique, others, events, now=now)
    others = [index for index in others if index not in story_of]
    rewrites = rewrites_in_batch(unique, others, events)
    fresh = [index for index in others if index not in rewrites]
    inserted = await insert_new_returning(
        session,
        ARTICLE_TABLE,
        ARTICLE_COLUMNS,
        [_article_row(unique[index], now) for index in fresh],
        ("id", "content_hash", "category"),
    )
    position_of = {unique[index].content_hash: index for index in fresh}
    stored = [(row.id, unique[position_of[row.content_hash]]) for row in inserted]
    new_positions = {position_of[row.content_hash] for row in inserted}
    story_of |= {position_of[row.content_hash]: row.id for row in inserted}
    refused = [unique[index] for index in fresh if index not in new_positions]
    copies = await _stored_copies_of(session, refused, position_of)
    await _keep_better_copies(session, [(copies[i], unique[i]) for i in copies])
    story_of |= copies
    joined = [(story_of[i], unique[i]) for i in story_of if i not in new_positions]
    joined += [(story_of[i], copy) for i, copy in batch.copies if i in story_of]
    joined += [(story_of[first], unique[i]) for i, first in rewrites.items() if first in story_of]
    await index_articles(session, [(article_id, r.search_text) for article_id, r in stored])
    await store_bands(session, stored)
    await add_first_sources(session, stored, now=now)
    await add_sources(session, joined, now=now)
    await _add_category_counts(session, Counter(row.category for row in inserted))
    return InsertOutcome(
        new_ids=[row.id for row in inserted], duplicates=len(records) - len(inserted)
    )


def _article_row(r: ArticleRecord, now: datetime) -> tuple[object, ...]:
    return (
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
        r.views,
    )


async def _stored_copies_of(
    session: AsyncSession, refused: Sequence[ArticleRecord], position_of: dict[str, int]
) -> dict[int, int]:
    """The stored stories of records the database refused as copies (the same text or
    canonical URL as a stored article), by the records' positions: two statements."""
    if not refused:
        return {}
    found: dict[int, int] = {}
    hashes = [record.content_hash for record in refused]
    rows = await session.execute(
        select(Article.id, Article.content_hash).where(Article.content_hash.in_(hashes))
    )
    for article_id, content_hash in rows:
        found[position_of[content_hash]] = article_id
    by_url = {
        record.canonical_url: position_of[record.content_hash]
        for record in refused
        if record.canonical_url and position_of[record.content_hash] not in found
    }
    if by_url:
        rows = await session.execute(
            select(Article.id, Article.canonical_url).where(
                Article.canonical_url.in_(list(by_url))
            )
        )
        for article_id, url in rows:
            found[by_url[url]] = article_id
    return found


async def _keep_better_copies(
    session: AsyncSession, pairs: Sequence[tuple[int, ArticleRecord]]
) -> None:
    """Replace stored text with a more complete copy of the same story (rare: row by row).

    The story's text hash, canonical URL and near-duplicate keys become the copy's too (the
    keys follow the text); the replaced copy stays a source, found again by its key
    (``storage.story_sources.stories_of_known_sources``)."""
    if not pairs:
        return
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
            "content_hash": record.content_hash,
        }
        if record.url is not None:
            values |= {"url": record.url}
        if record.canonical_url is not None:
            values |= {"canonical_url": record.canonical_url}
        try:
            async with session.begin_nested():
                await unindex_articles(session, [article_id])  # before its text changes
                await session.execute(
                    update(Article).where(Article.id == article_id).values(**values)
                )
                await index_articles(session, [(article_id, record.search_text)])
                await store_bands(session, [(article_id, record)], keep=True)
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
