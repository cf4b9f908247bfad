"""Near-duplicate lookups: LSH band keys in, stored articles that tell the same story out.

Two articles are the same story when their MinHash signatures are similar enough
(``digest.neardup``), they share a category, and they were published (or, undated,
ingested) within ``NEAR_DUPLICATE_WINDOW`` of each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from digest.neardup import is_near_duplicate
from digest.pipeline import ArticleRecord
from storage.models import Article, ArticleBand

NEAR_DUPLICATE_WINDOW = timedelta(days=3)
# Band keys are kept a little longer than the window so that a late copy still finds its twin.
BAND_RETENTION = timedelta(days=7)
_KEYS_PER_QUERY = 2_000


def _close_in_time(
    record: ArticleRecord, published_at: datetime | None, ingested_at: datetime, now: datetime
) -> bool:
    if record.published_at is not None and published_at is not None:
        return abs(record.published_at - published_at) <= NEAR_DUPLICATE_WINDOW
    return now - ingested_at <= NEAR_DUPLICATE_WINDOW


async def find_near_duplicates(
    session: AsyncSession, records: Sequence[ArticleRecord], *, now: datetime
) -> dict[int, int]:
    """For each record that is a near-duplicate of a stored article: record index → its id.

    Two queries for the whole batch: the band keys, then the candidates' signatures.
    """
    wanted: dict[int, list[int]] = {}
    for index, record in enumerate(records):
        for key in record.band_keys:
            wanted.setdefault(key, []).append(index)
    if not wanted:
        return {}
    candidates: dict[int, set[int]] = {}  # record index → candidate article ids
    keys = list(wanted)
    for start in range(0, len(keys), _KEYS_PER_QUERY):
        chunk = keys[start : start + _KEYS_PER_QUERY]
        rows = await session.execute(
            select(ArticleBand.band_key, ArticleBand.article_id).where(
                ArticleBand.band_key.in_(chunk)
            )
        )
        for band_key, article_id in rows:
            for index in wanted[band_key]:
                candidates.setdefault(index, set()).add(article_id)
    if not candidates:
        return {}
    ids = set().union(*candidates.values())
    stored = {
        row.id: row
        for row in await session.execute(
            select(
                Article.id,
                Article.category,
                Article.published_at,
                Article.ingested_at,
                Article.minhash,
            ).where(Article.id.in_(list(ids)))
        )
    }
    found: dict[int, int] = {}
    for index, article_ids in candidates.items():
        record = records[index]
        for article_id in sorted(article_ids):
            row = stored.get(article_id)
            if (
                row is not None
                and row.minhash is not None
                and row.category == record.category
                and _close_in_time(record, row.published_at, row.ingested_at, now)
                and is_near_duplicate(record.signature, row.minhash)
            ):
                found[index] = article_id
                break
    return found


async def store_bands(session: AsyncSession, entries: Sequence[tuple[int, ArticleRecord]]) -> None:
    """Remember the band keys of newly stored articles, in one statement."""
    rows = [
        {"band_key": key, "article_id": article_id}
        for article_id, record in entries
        for key in set(record.band_keys)
    ]
    if rows:
        await session.execute(insert(ArticleBand), rows)


async def forget_old_bands(session: AsyncSession, *, now: datetime) -> None:
    """Drop the band keys of articles ingested before the retention: they can no longer
    be anyone's near-duplicate, and the table stays the size of a week of news."""
    oldest_kept = await session.scalar(
        select(Article.id)
        .where(Article.ingested_at >= now - BAND_RETENTION)
        .order_by(Article.ingested_at, Article.id)
        .limit(1)
    )
    if oldest_kept is None:
        await session.execute(delete(ArticleBand))
    else:
        await session.execute(delete(ArticleBand).where(ArticleBand.article_id < oldest_kept))
