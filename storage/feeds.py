"""Polled feeds: adding, listing, removing, and what /stats and /feeds read of them.

Claiming due feeds and recording each poll's outcome is ``storage.feed_polls``'.

Functions take the session and never commit: the caller's unit of work does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.bulk import dialect_insert
from storage.fitting import fitting
from storage.models import Feed


def fitting_title(title: str | None) -> str | None:
    """The title cut (with "…") to what the column keeps: an OPML file's label or a
    caller's may be longer, and PostgreSQL refuses the row rather than cut it."""
    return fitting(title, Feed.__table__.c.title)


@dataclass(frozen=True, slots=True)
class NewFeed:
    url: str
    category: str | None = None
    title: str | None = None


async def insert_feeds(
    session: AsyncSession,
    feeds: Sequence[NewFeed],
    *,
    now: datetime,
    next_poll_at: datetime | None = None,
) -> list[int]:
    """Add the feeds whose URL is not stored yet (due at ``next_poll_at``, by default at
    once); the new ids, in order. A URL already stored (or added concurrently) is skipped:
    the unique constraint decides, and of a URL given twice the first is kept."""
    if not feeds:
        return []
    insert = dialect_insert(session)
    rows = [
        {
            "url": feed.url,
            "title": fitting_title(feed.title),
            "category": feed.category,
            "next_poll_at": next_poll_at or now,
            "consecutive_failures": 0,
            "broken": False,
            "item_count": 0,
            "articles_added": 0,
            "created_at": now,
        }
        for feed in feeds
    ]
    statement = insert(Feed).on_conflict_do_nothing().returning(Feed.id, Feed.url)
    inserted = {url: feed_id for feed_id, url in (await session.execute(statement, rows)).all()}
    # A URL given twice is inserted once, and its id listed once (it was listed twice).
    return list(dict.fromkeys(inserted[feed.url] for feed in feeds if feed.url in inserted))


async def feed_by_url(session: AsyncSession, url: str) -> Feed | None:
    return await session.scalar(select(Feed).where(Feed.url == url))


async def feed_by_id(session: AsyncSession, feed_id: int) -> Feed | None:
    return await session.get(Feed, feed_id)


async def existing_feed(session: AsyncSession, feed_id: int) -> Feed:
    """The feed with this id, which the caller knows exists (``NoResultFound`` otherwise)."""
    return await session.get_one(Feed, feed_id)


async def all_feeds(session: AsyncSession) -> list[Feed]:
    """Every feed, oldest first."""
    return list((await session.scalars(select(Feed).order_by(Feed.id))).all())


async def delete_feed(session: AsyncSession, feed_id: int) -> str | None:
    """Remove a feed (its articles stay); its URL, or ``None`` when there is no such feed
    (a number beyond the ids' 64 bits too: the databases refuse it rather than find none)."""
    if not 0 < feed_id < 2**63:
        return None
    statement = delete(Feed).where(Feed.id == feed_id).returning(Feed.url)
    return (await session.execute(statement)).scalar_one_or_none()


async def feed_counts(session: AsyncSession) -> tuple[int, int]:
    """(feeds, broken feeds)."""
    query = select(func.count(), func.count().filter(Feed.broken.is_(True)))
    total, broken = (await session.execute(query)).one()
    return int(total), int(broken)


async def latest_errors(session: AsyncSession, *, limit: int) -> list[Feed]:
    """The feeds that failed most recently (whether or not they recovered since)."""
    query = (
        select(Feed)
        .where(Feed.last_error_at.is_not(None))
        .order_by(Feed.last_error_at.desc())
        .limit(limit)
    )
    return list((await session.scalars(query)).all())
