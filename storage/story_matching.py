"""Rewrites of stored stories: a record that reports the event of a stored article
by another outlet (``digest.stories.same_event``), found by a story key they share
(``digest.story_keys``), in any category, published within ``MAX_APART`` of it.

Two statements for a batch: the stored keys it shares (with their publish days), then the
title and lead of the few candidate articles. Functions take the session, never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from digest.pipeline import ArticleRecord
from digest.stories import MAX_APART, EventText, compare_events, event_text, may_be_same
from digest.story_batch import EventTexts, matchable, other_outlets
from digest.story_candidates import likeliest_stored, wanted_keys
from digest.story_text import MAX_LEAD_CHARS
from storage.models import Article
from storage.neardup import NEAR_DUPLICATE_WINDOW, keys_sharing, published_day

# Stored articles compared with a record, those sharing the most keys with it: each costs
# an ``EventText`` and a comparison; a record sharing keys with many stored articles shares
# common words, and its story, if stored, shares the most.
CANDIDATES_PER_RECORD = 3


async def find_rewrites(
    session: AsyncSession,
    records: Sequence[ArticleRecord],
    positions: Sequence[int],
    events: EventTexts,
    *,
    now: datetime,
) -> dict[int, int]:
    """For each record (at ``positions``) that rewrites a stored story: position → its id;
    of several, the most similar."""
    keys_of = [records[index].story_keys for index in positions]
    days = [published_day(records[index].published_at) for index in positions]
    # Days apart: the few that may be within MAX_APART (compare_events decides).
    max_days = MAX_APART.days + 1
    candidates = likeliest_stored(
        positions,
        keys_of,
        days,
        await _stored_keys(session, keys_of, days, max_days),
        max_days=max_days,
        per_record=CANDIDATES_PER_RECORD,
    )
    if not candidates:
        return {}
    stored = await session.execute(
        select(
            Article.id,
            Article.title,
            Article.source,
            func.substr(Article.content, 1, MAX_LEAD_CHARS).label("lead"),
            Article.published_at,
            Article.ingested_at,
        ).where(Article.id.in_(list(candidates)))
    )
    best: dict[int, tuple[float, int]] = {}  # position → (similarity, article id)
    for article in stored:
        theirs: EventText | None = None  # made for the first record that may be its rewrite
        for index in candidates[article.id]:
            if not _may_pair(records[index], article, now) or not matchable(events[index]):
                continue
            if theirs is None:
                theirs = event_text(article.title, article.lead, article.published_at)
            if not matchable(theirs) or not may_be_same(events[index], theirs):
                continue
            found = compare_events(events[index], theirs)
            if found.same and found.similarity > best.get(index, (0.0, 0))[0]:
                best[index] = (found.similarity, article.id)
    return {index: article_id for index, (_, article_id) in best.items()}


def _may_pair(record: ArticleRecord, article: Row[Any], now: datetime) -> bool:
    """What rules a stored candidate out before its ``EventText`` is made (a third of them
    in a bulk ingest): the record's own outlet, or published too far apart."""
    if record.published_at is None or article.published_at is None:
        # Either undated: the two go by ingest time, as near-duplicates do.
        if now - article.ingested_at > NEAR_DUPLICATE_WINDOW:
            return False
    elif abs(record.published_at - article.published_at) > MAX_APART:
        return False
    return other_outlets(record.source, article.source)


async def _stored_keys(
    session: AsyncSession,
    keys_of: Sequence[Sequence[int]],
    days: Sequence[int | None],
    max_days: int,
) -> list[Sequence[int | None]]:
    """The stored rows of these records' keys that may be within ``max_days`` of them:
    only those of the batch's days for the keys of dated records (a bulk ingest's batch
    spans some weeks of an archive, and read every stored article of its keys, 40 times
    too many rows), all of them for those of an undated one, which may be of any day."""
    undated = wanted_keys([keys for keys, day in zip(keys_of, days, strict=True) if day is None])
    dated = [day for day in days if day is not None]
    found: list[Sequence[int | None]] = []
    if undated:
        found += await keys_sharing(session, undated, "story_keys")
    if dated:
        span = (min(dated) - max_days, max(dated) + max_days)
        dated_keys = sorted(set(wanted_keys(keys_of)).difference(undated))
        if dated_keys:
            found += await keys_sharing(session, dated_keys, "story_keys", days=span)
    return found
