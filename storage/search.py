"""The full-text index: FTS5 on SQLite (contentless, migration 0010), a GIN-indexed
tsvector on PostgreSQL.

Both index the space-separated tokens of ``digest.search_terms`` (character bigrams for
Chinese), so a Chinese word of two characters or more is a phrase query on either.
PostgreSQL's table is partitioned by ranges of article ids (migration 0007), so a search
among the newest ids opens only the newest partitions' indexes.
"""

# Kept whole past 200 lines: writing the index and searching it must agree on its two forms
# (FTS5 on SQLite, tsvector partitions on PostgreSQL); apart, a change to one would miss the other.

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Sequence
from typing import cast

from sqlalchemy import Column, Integer, MetaData, Table, Text, bindparam, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from digest.search_terms import article_index_text
from storage.bulk import insert_many
from storage.models import Article

logger = logging.getLogger(__name__)
# SQLite's index, as far as bulk inserts need to know it (no types to convert).
FTS_TABLE = Table("article_fts", MetaData(), Column("rowid", Integer), Column("terms", Text))

# How many of the most recently ingested matches are ranked by publish time. Ordering every
# match of a common word by publish time sorts them all (about 120 ms at a million rows on
# SQLite); the index's own order (by id) is instant, and recent ids are recent articles.
SEARCH_WINDOW = 500
# PostgreSQL looks for matches among this many newest ids first, then wider (_wider_span).
FIRST_SPAN = 20_000
# Ids per partition of PostgreSQL's article_terms: a search among the newest 20,000 ids
# reads at most two partitions' indexes.
TERMS_PARTITION_SIZE = 20_000


def partition_statement(number: int) -> str:
    """The DDL of partition ``number`` of article_terms (ids from number × size on); the
    parent's indexes (the primary key, the GIN index) come with it."""
    low = number * TERMS_PARTITION_SIZE
    return (
        f"CREATE TABLE IF NOT EXISTS article_terms_p{number} PARTITION OF article_terms "
        f"FOR VALUES FROM ({low}) TO ({low + TERMS_PARTITION_SIZE})"
    )


async def _ensure_partitions(session: AsyncSession, newest_id: int) -> None:
    """Make sure the partition of ``newest_id`` and the one after it exist.

    Partitions are made one ahead, in a transaction of their own (creating one locks the
    whole table until commit: in the ingest's transaction, searches would wait for the
    batch), before the ingest's transaction writes (``make_room``); if that fails (another
    process holds the table), the spare partition still takes the next ids, and the next
    batch tries again. A bulk ingest writes several batches in one transaction: once it has
    written terms, a transaction of its own would wait for it, so the spare is left to the
    next transaction, and a partition the batch cannot do without is made in this one.
    """
    count = await session.scalar(
        text("SELECT count(*) FROM pg_inherits WHERE inhparent = 'article_terms'::regclass")
    )
    wanted = newest_id // TERMS_PARTITION_SIZE + 2
    if count is None or count >= wanted:
        return
    needed = newest_id >= count * TERMS_PARTITION_SIZE  # no partition takes this batch's ids
    if await _holds_terms_lock(session):
        if needed:
            for number in range(count, wanted):
                await session.execute(text(partition_statement(number)))
        return
    engine = cast(AsyncEngine, session.bind)  # sessions are made on the engine (storage.db)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("SET LOCAL lock_timeout = '5s'"))
            for number in range(count, wanted):
                await connection.execute(text(partition_statement(number)))
    except DBAPIError as exc:
        if needed:
            raise
        logger.warning("search index: could not add a partition yet (%s)", exc.orig)


async def _holds_terms_lock(session: AsyncSession) -> bool:
    """Whether this session's transaction holds a lock on article_terms (it wrote to it)."""
    held = await session.scalar(
        text(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid() "
            "AND relation = 'article_terms'::regclass)"
        )
    )
    return bool(held)


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def make_room(session: AsyncSession, count: int) -> None:
    """PostgreSQL's search partitions for the ids of ``count`` articles about to be stored,
    made before the storing transaction writes anything: made later, in a transaction of
    their own, they would wait for the locks that transaction holds on the index."""
    if _dialect(session) != "postgresql":
        return
    issued = await session.scalar(
        text("SELECT last_value FROM articles_id_seq")  # ids skipped by conflicts count too
    )
    await _ensure_partitions(session, int(issued or 0) + count)


async def index_articles(session: AsyncSession, entries: Sequence[tuple[int, str]]) -> None:
    """Add (article id, index text) pairs to the index, in one statement."""
    if not entries:
        return
    if _dialect(session) == "sqlite":
        await insert_many(session, FTS_TABLE, ("rowid", "terms"), entries)
        return
    await _ensure_partitions(session, max(article_id for article_id, _ in entries))
    await session.execute(
        text(
            "INSERT INTO article_terms (article_id, terms) "
            "VALUES (:id, to_tsvector('simple', :terms))"
        ),
        [{"id": article_id, "terms": terms} for article_id, terms in entries],
    )


async def unindex_articles(session: AsyncSession, ids: Sequence[int]) -> None:
    """Remove stored articles from the index; call it before changing or deleting them.

    SQLite's index keeps no copy of its text (migration 0010), and FTS5 deletes an entry
    given the text it was indexed with: that is computed again from the article (in a
    thread: a prune's batch takes tens of milliseconds). Neither table has a foreign key
    to cascade.
    """
    if not ids:
        return
    if _dialect(session) != "sqlite":
        await session.execute(
            text("DELETE FROM article_terms WHERE article_id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": list(ids)},
        )
        return
    rows = (
        await session.execute(
            select(Article.id, Article.title, Article.content).where(Article.id.in_(list(ids)))
        )
    ).all()
    if not rows:
        return
    entries = await asyncio.to_thread(
        lambda: [
            {"id": article_id, "terms": article_index_text(title, content)}
            for article_id, title, content in rows
        ]
    )
    await session.execute(
        text("INSERT INTO article_fts (article_fts, rowid, terms) VALUES ('delete', :id, :terms)"),
        entries,
    )


def _fts5_query(phrases: Sequence[Sequence[str]]) -> str:
    # Every token is quoted, so nothing a user types is read as FTS5 syntax.
    quoted = (
        '"' + " ".join(token.replace('"', '""') for token in phrase) + '"' for phrase in phrases
    )
    return " AND ".join(quoted)


async def search_article_ids(
    session: AsyncSession, phrases: Sequence[Sequence[str]], *, window: int = SEARCH_WINDOW
) -> list[int]:
    """Ids of the most recently ingested articles that contain every phrase."""
    if not phrases:
        return []
    if _dialect(session) == "sqlite":
        rows = await session.execute(
            text(
                "SELECT rowid FROM article_fts WHERE article_fts MATCH :query "
                "ORDER BY rowid DESC LIMIT :window"
            ),
            {"query": _fts5_query(phrases), "window": window},
        )
        return [row[0] for row in rows]
    return await _postgres_search(session, phrases, window)


async def _postgres_search(
    session: AsyncSession, phrases: Sequence[Sequence[str]], window: int
) -> list[int]:
    """The newest ``window`` matches, looked for among the newest ids first.

    A GIN index finds every row holding a phrase's bigrams, and PostgreSQL then rechecks
    each one's positions: a common phrase (tens of thousands of rows at a million articles)
    took half a second. Among the newest ``FIRST_SPAN`` ids a common phrase has its
    ``window`` matches already, and the newest matches of all are among them; a rarer one
    widens the span until it has them or has looked everywhere. Same result, a bounded
    recheck.
    """
    # phraseto_tsquery('simple', 'ab bc') is 'ab' <-> 'bc'; the phrases are AND-ed.
    params: dict[str, object] = {"window": window}
    parts = []
    for number, phrase in enumerate(phrases):
        params[f"p{number}"] = " ".join(phrase)
        parts.append(f"phraseto_tsquery('simple', :p{number})")
    query = " && ".join(parts)
    statement = text(
        f"SELECT article_id FROM article_terms WHERE terms @@ ({query}) "  # noqa: S608 - only bound placeholders are interpolated
        "AND article_id > :lowest ORDER BY article_id DESC LIMIT :window"
    )
    newest = await session.scalar(text("SELECT max(article_id) FROM article_terms"))
    if newest is None:
        return []
    # Testing a tsvector (@@) reads it from TOAST: far costlier than the planner's default
    # operator cost, which made it scan whole partitions (100 ms each) rather than read their
    # GIN index. For this transaction only.
    await session.execute(text("SET LOCAL cpu_operator_cost = 0.05"))
    span = FIRST_SPAN
    while True:
        lowest = max(newest - span, 0)
        ids = [row[0] for row in await session.execute(statement, params | {"lowest": lowest})]
        if len(ids) >= window or lowest == 0:
            return ids
        span = _wider_span(span, found=len(ids), window=window)


def _wider_span(span: int, *, found: int, window: int) -> int:
    """The next span to search: as much wider as the matches so far suggest it takes to
    find ``window`` (a little more), at least twice and at most ten times as wide. A phrase
    just short of the window in the first span must not recheck ten times as many rows."""
    return span * min(10, max(2, math.ceil(1.2 * window / max(found, 1))))
