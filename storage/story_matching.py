"""Rewrites of stored stories: a record that reports the event of a stored article
by another outlet (``digest.stories.same_event``), found by a story key they share
(``digest.story_keys``), in any category, published within ``MAX_APART`` of it.

Two statements for a batch: the stored keys it shares (with their publish days), then the
title and lead of the few candidate articles. Functions take the session, never commit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from digest.pipeline import ArticleRecord
from digest.stories import MAX_APART, compare_events, event_text, may_be_same
from digest.story_batch import EventTexts, matchable, other_outlets
from digest.story_text import MAX_LEAD_CHARS
from storage.models import Article
from storage.neardup import NEAR_DUPLICATE_WINDOW, keys_sharing, published_day

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
    wanted: dict[int, list[int]] = {}  # story key → positions of the records with it
    for index in positions:
        for key in records[index].story_keys:
            wanted.setdefault(key, []).append(index)
    if not wanted:
        return {}
    days = {index: published_day(records[index].published_at) for index in positions}
    shared: Counter[tuple[int, int]] = Counter()  # (position, article id) → keys shared
    for key, article_id, day in await keys_sharing(session, sorted(wanted), "story_keys"):
        for index in wanted[key]:
            mine = days[index]
            # Days apart: the few that may be within MAX_APART (compare_events decides).
            if mine is None or day is None or abs(mine - day) <= MAX_APART.days + 1:
                shared[index, article_id] += 1
    candidates = _likeliest(shared)
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
        theirs = event_text(article.title, article.lead, article.published_at)
        # Either undated: the two go by ingest time, as near-duplicates do.
        stale = now - article.ingested_at > NEAR_DUPLICATE_WINDOW
        for index in candidates[article.id]:
            record = records[index]
            undated = article.published_at is None or record.published_at is None
            if (
                (undated and stale)
                or not other_outlets(record.source, article.source)
                or not matchable(events[index])
                or not matchable(theirs)
                or not may_be_same(events[index], theirs)
            ):
                continue
            found = compare_events(events[index], theirs)
            if found.same and found.similarity > best.get(index, (0.0, 0))[0]:
                best[index] = (found.similarity, article.id)
    return {index: article_id for index, (_, article_id) in best.items()}


def _likeliest(shared: Counter[tuple[int, int]]) -> dict[int, set[int]]:
    """Article id → the positions it may be the story of: for each record, the
    ``CANDIDATES_PER_RECORD`` articles sharing the most keys with it (then the newest).
    Each candidate costs two ``EventText``s (about 120 µs each); a record sharing keys with
    many stored articles shares common words, and its story, if stored, shares the most."""
    by_record: dict[int, list[tuple[int, int]]] = {}
    for (index, article_id), count in shared.items():
        by_record.setdefault(index, []).append((count, article_id))
    candidates: dict[int, set[int]] = {}
    for index, found in by_record.items():
        for _count, article_id in sorted(found, reverse=True)[:CANDIDATES_PER_RECORD]:
            candidates.setdefault(article_id, set()).add(index)
    return candidates
