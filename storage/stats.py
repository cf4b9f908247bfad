"""The counts /stats shows, each from one indexed query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.articles import article_count
from storage.feeds import feed_counts
from storage.models import OutboxMessage, Subscription


@dataclass(frozen=True, slots=True)
class StoreStats:
    articles: int
    feeds: int
    broken_feeds: int
    subscribers: int  # active subscriptions
    digests_sent: int  # digests (not messages: one digest may take several) in the window


async def store_stats(session: AsyncSession, *, since: datetime, until: datetime) -> StoreStats:
    """Counts now, and digests sent between ``since`` and ``until``."""
    feeds, broken = await feed_counts(session)
    subscribers = await session.scalar(
        select(func.count()).select_from(Subscription).where(Subscription.active.is_(True))
    )
    digests = await session.scalar(
        select(func.count(distinct(OutboxMessage.batch))).where(
            OutboxMessage.kind == "digest",
            OutboxMessage.status == "sent",
            OutboxMessage.sent_at >= since,
            OutboxMessage.sent_at < until,
        )
    )
    return StoreStats(
        articles=await article_count(session),
        feeds=feeds,
        broken_feeds=broken,
        subscribers=int(subscribers or 0),
        digests_sent=int(digests or 0),
    )
