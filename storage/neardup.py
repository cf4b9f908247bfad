"""Near-duplicate lookups: LSH band keys in, stored articles that tell the same story out.

Two articles are the same story when their MinHash signatures are similar enough
(``digest.neardup``), they share a category, and they were published (or, undated,
ingested) within ``NEAR_DUPLICATE_WINDOW`` of each other.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import chain
from typing import Any, cast

from sqlalchemy import Row, Table, delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from digest.neardup import is_near_duplicate
from digest.pipeline import ArticleRecord
from storage.bulk import insert_many, insert_rows
from storage.models import Article, ArticleBand, StoryKey

NEAR_DUPLICATE_WINDOW = timedelta(days=3)
# Band keys are kept a little longer than the window so that a late copy still finds its twin.
BAND_RETENTION = timedelta(days=7)
BAND_TABLE = cast(Table, ArticleBand.__table__)
STORY_KEY_TABLE = cast(Table, StoryKey.__table__)
# Band keys an SQLite lookup binds: well under its 32,766 parameters, and a statement of
# them is prepared once.
KEYS_PER_LOOKUP = 4096


# The tables of keys that find candidates, and their key columns: the LSH band keys of
# near-duplicates, and the story keys of rewrites (``storage.story_matching``).
KEY_COLUMNS = {"article_bands": "band_key", "story_keys": "story_key"}


# Only rows of these publish days (or undated): a lookup of a bulk ingest's batch, whose
# articles span a few weeks of an archive, otherwise reads every stored article of its keys.
_DAYS = " AND (published_day IS NULL OR published_day BETWEEN {first} AND {last})"


@lru_cache(maxsize=8)
def _sqlite_lookup(count: int, table: str, *, of_days: bool = False) -> str:
    placeholders = ", ".join("?" * count)
    key = KEY_COLUMNS[table]
    return (
        f"SELECT {key}, article_id, published_day FROM {table} "  # noqa: S608 - names from the schema
        f"WHERE {key} IN ({placeholders})" + (_DAYS.format(first="?", last="?") if of_days else "")
    )


def _close_in_time(
    record: ArticleRecord, published_at: datetime | None, ingested_at: datetime, now: datetime
) -> bool:
    if record.published_at is not None and published_at is not None:
        return abs(record.published_at - published_at) <= NEAR_DUPLICATE_WINDOW
    return now - ingested_at <= NEAR_DUPLICATE_WINDOW


BandRow = Row[int, int, int | None]  # band_key, article_id, published_day


async def keys_sharing(
    session: AsyncSession,
    keys: list[int],
    table: str = "article_bands",
    *,
    days: tuple[int, int] | None = None,
) -> Sequence[BandRow]:
    """(key, article_id, published_day) of the stored rows with these keys, in ``table``
    (one of ``KEY_COLUMNS``); with ``days``, only those published on the days from the
    first to the last of them, or undated.

    On SQLite the keys are bound parameters, ``KEYS_PER_LOOKUP`` a statement: one JSON array
    of them read by ``json_each`` took a fifth longer (10,500 keys, a batch of 500 articles,
    in a million rows: 3.4 ms against 2.65, best of 30). On PostgreSQL they are
    one parameter, an array, and each key is looked up on its own (LATERAL ... OFFSET 0):
    without statistics (a fresh table, or autovacuum off) ``= ANY`` was planned as a scan
    of the whole table, 0.8 s a batch at 200,000 articles, and its cost estimate switched
    JIT compilation on.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL jit = off"))
        key = KEY_COLUMNS[table]
        statement = text(
            f"SELECT b.{key}, b.article_id, b.published_day "  # noqa: S608 - names from the schema
            "FROM unnest(CAST(:keys AS BIGINT[])) AS k(key) CROSS JOIN LATERAL ("
            f"SELECT {key}, article_id, published_day FROM {table} "
            f"WHERE {key} = k.key"
            + (_DAYS.format(first=":first", last=":last") if days is not None else "")
            + " OFFSET 0) AS b"
        )
        parameters: dict[str, object] = {"keys": keys}
        if days is not None:
            parameters |= {"first": days[0], "last": days[1]}
        rows = (await session.execute(statement, parameters)).all()
        return cast("Sequence[BandRow]", rows)
    connection = await session.connection()
    found: list[Row[Any]] = []
    size = KEYS_PER_LOOKUP
    for start in range(0, len(keys), size):
        chunk = keys[start : start + size]
        # Padded with its last key (IN ignores repeats): one statement text, prepared once
        # and kept in sqlite3's statement cache.
        chunk += chunk[-1:] * (size - len(chunk))
        lookup = _sqlite_lookup(size, table, of_days=days is not None)
        found.extend((await connection.exec_driver_sql(lookup, (*chunk, *(days or ())))).all())
    return cast("Sequence[BandRow]", found)


async def find_near_duplicates(
    session: AsyncSession, records: Sequence[ArticleRecord], *, now: datetime
) -> dict[int, int]:
    """For each record that is a near-duplicate of a stored article: record index → its id.

    Two queries for the whole batch: the band keys it shares with stored articles (with
    their publish days), then the few of those articles published close enough to matter.
    """
    # Sorted, so the lookups walk the index in order.
    keys = sorted(set(chain.from_iterable(record.band_keys for record in records)))
    if not keys:
        return {}
    shared = await keys_sharing(session, keys)
    wanted = _records_by_key(records, {row.band_key for row in shared})
    candidates: dict[int, set[int]] = {}  # article id → indexes of records it may copy
    for row in shared:
        for index in wanted[row.band_key]:
            if _days_close(records[index], row.published_day):
                candidates.setdefault(row.article_id, set()).add(index)
    if not candidates:
        return {}
    stored = await session.execute(
        select(
            Article.id,
            Article.category,
            Article.published_at,
            Article.ingested_at,
            Article.minhash,
        ).where(Article.id.in_(list(candidates)))
    )
    found: dict[int, int] = {}
    for article in sorted(stored, key=lambda article: article.id):  # the first copy wins
        for index in sorted(candidates[article.id]):
            record = records[index]
            if (
                index not in found
                and article.minhash is not None
                and article.category == record.category
                and _close_in_time(record, article.published_at, article.ingested_at, now)
                and is_near_duplicate(record.signature, article.minhash)
            ):
                found[index] = article.id
    return found


def published_day(moment: datetime | None) -> int | None:
    """Days since 1970 (UTC) of a publish time, as the band table keeps it."""
    return None if moment is None else math.floor(moment.timestamp() / 86_400)


def _days_close(record: ArticleRecord, stored_day: int | None) -> bool:
    """Whether a stored article of this publish day may be within the window of the record
    (exactly decided by ``_close_in_time``); undated ones go by ingest time, so they may."""
    record_day = published_day(record.published_at)
    if record_day is None or stored_day is None:
        return True
    return abs(record_day - stored_day) <= NEAR_DUPLICATE_WINDOW.days + 1


def _records_by_key(records: Sequence[ArticleRecord], keys: set[int]) -> dict[int, list[int]]:
    """Band key → indexes of the records that have it, for these few keys only (a batch
    has ten thousand keys; building the map for all of them cost more than the lookup)."""
    by_key: dict[int, list[int]] = {}
    for index, record in enumerate(records):
        if not keys.isdisjoint(record.band_keys):
            for key in keys.intersection(record.band_keys):
                by_key.setdefault(key, []).append(index)
    return by_key


async def store_bands(
    session: AsyncSession, entries: Sequence[tuple[int, ArticleRecord]], *, keep: bool = False
) -> None:
    """Remember the band keys and story keys of newly stored articles, a statement each;
    with ``keep``, of a stored article's new copy, which may share keys with the old one."""
    # In key order: the b-tree takes the batch page by page instead of at random, which
    # halves the insert's time once the table outgrows the cache.
    bands: list[tuple[int, int, int | None]] = []
    stories: list[tuple[int, int, int | None]] = []
    for article_id, record in entries:
        day = published_day(record.published_at)
        bands.extend((key, article_id, day) for key in set(record.band_keys))
        stories.extend((key, article_id, day) for key in set(record.story_keys))
    bands.sort()
    stories.sort()
    columns = ("article_id", "published_day")
    if keep:
        await insert_rows(session, BAND_TABLE, ("band_key", *columns), bands, keep=True)
        await insert_rows(session, STORY_KEY_TABLE, ("story_key", *columns), stories, keep=True)
        return
    await insert_many(session, BAND_TABLE, ("band_key", *columns), bands)
    await insert_many(session, STORY_KEY_TABLE, ("story_key", *columns), stories)


async def forget_bands(session: AsyncSession, article_ids: Sequence[int]) -> None:
    """Drop the band and story keys of these (deleted) articles: one pass over the week's
    keys each."""
    if article_ids:
        for table in (BAND_TABLE, STORY_KEY_TABLE):
            await session.execute(delete(table).where(table.c.article_id.in_(list(article_ids))))


async def forget_old_bands(session: AsyncSession, *, now: datetime) -> None:
    """Drop the band and story keys of articles ingested before the retention: they can no
    longer be anyone's near-duplicate or rewrite, and the tables stay the size of a week
    of news."""
    oldest_kept = await session.scalar(
        select(Article.id)
        .where(Article.ingested_at >= now - BAND_RETENTION)
        .order_by(Article.ingested_at, Article.id)
        .limit(1)
    )
    for table in (BAND_TABLE, STORY_KEY_TABLE):
        if oldest_kept is None:
            await session.execute(delete(table))
        else:
            await session.execute(delete(table).where(table.c.article_id < oldest_kept))
