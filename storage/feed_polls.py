"""Polling feeds: claiming the due ones under a lease, and recording each poll's outcome
(validators, counters, backoff, a move, a break) while the claim is still the poller's.

Functions take the session and never commit: the caller's unit of work does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.feeds import fitting_title
from storage.models import Feed


async def claim_due_feeds(
    session: AsyncSession, *, now: datetime, lease_until: datetime, limit: int
) -> list[Feed]:
    """The feeds due at ``now``, most overdue first, leased until ``lease_until``.

    The lease (``next_poll_at`` pushed forward) keeps other pollers away while this one
    fetches; if the process dies, the feed is due again when the lease runs out. PostgreSQL
    rows being claimed by another process are skipped (``FOR UPDATE SKIP LOCKED``); SQLite
    has a single writer, and the claim's UPDATE takes the write lock before it reads.
    """
    due = select(Feed.id).where(Feed.next_poll_at <= now).order_by(Feed.next_poll_at)
    due = due.limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    statement = (
        update(Feed)
        .where(Feed.id.in_(due.scalar_subquery()))
        .values(next_poll_at=lease_until)
        .returning(Feed)
        .execution_options(synchronize_session=False)
    )
    claimed = list((await session.scalars(statement)).all())
    return sorted(claimed, key=lambda feed: feed.id)


async def record_success(
    session: AsyncSession,
    feed_id: int,
    *,
    claimed_until: datetime,
    now: datetime,
    next_poll_at: datetime,
    etag: str | None,
    last_modified: str | None,
    title: str | None,
    item_count: int | None,
    ttl_seconds: int | None,
    added: int,
) -> bool:
    """A poll that worked: validators for the next conditional GET, counters, next poll.

    ``title``, ``item_count`` and ``ttl_seconds`` stay as they were when ``None`` (a 304
    Not Modified answer has no document to read them from). Recorded only while the feed
    is still due at ``claimed_until`` (the poller's lease, or the ``next_poll_at`` it read):
    False, and nothing changed, when another poller claimed it since.
    """
    values: dict[str, object] = {
        "etag": etag,
        "last_modified": last_modified,
        "next_poll_at": next_poll_at,
        "last_success_at": now,
        "consecutive_failures": 0,
        "failing_since": None,
        "broken": False,
        "articles_added": Feed.articles_added + added,
    }
    if title is not None:
        values["title"] = fitting_title(title)
    if item_count is not None:
        values["item_count"] = item_count
    if ttl_seconds is not None:
        values["ttl_seconds"] = ttl_seconds
    return await _update_claimed(session, feed_id, claimed_until, values)


async def _update_claimed(
    session: AsyncSession, feed_id: int, claimed_until: datetime, values: dict[str, object]
) -> bool:
    """Update the feed if it is still the caller's claim; whether it was."""
    statement = (
        update(Feed)
        .where(Feed.id == feed_id, Feed.next_poll_at == claimed_until)
        .values(**values)
        .returning(Feed.id)
    )
    return (await session.execute(statement)).first() is not None


async def move_feed(session: AsyncSession, feed_id: int, url: str) -> bool:
    """Give the feed its new URL (a permanent redirect); False, and nothing changed, when
    another feed already has that URL."""
    taken = select(Feed.id).where(Feed.url == url).exists()
    statement = update(Feed).where(Feed.id == feed_id, ~taken).values(url=url).returning(Feed.id)
    return (await session.execute(statement)).first() is not None


async def record_failure(
    session: AsyncSession,
    feed_id: int,
    *,
    claimed_until: datetime,
    now: datetime,
    error: str,
    failures: int,
    failing_since: datetime,
    next_poll_at: datetime,
    broken: bool,
) -> bool:
    """A poll that failed. True when this call marked the feed broken (it was not before),
    so the caller tells the admins exactly once. Nothing is recorded (False) when the feed
    is no longer due at ``claimed_until``: another poller claimed it since."""
    values: dict[str, object] = {
        "last_error": error,
        "last_error_at": now,
        "consecutive_failures": failures,
        "failing_since": failing_since,
        "next_poll_at": next_poll_at,
    }
    if not await _update_claimed(session, feed_id, claimed_until, values):
        return False
    if not broken:
        return False
    newly = await session.execute(
        update(Feed)
        .where(Feed.id == feed_id, Feed.broken.is_(False))
        .values(broken=True)
        .returning(Feed.id)
    )
    return newly.first() is not None


async def any_feed_fetched_since(session: AsyncSession, moment: datetime) -> bool:
    """Whether some feed was fetched successfully at or after ``moment``.

    No index on ``last_success_at``: asked only when a feed that cannot be reached is about
    to be marked broken, over a table of feeds (hundreds), not of articles.
    """
    query = select(Feed.id).where(Feed.last_success_at >= moment).limit(1)
    return await session.scalar(query) is not None
