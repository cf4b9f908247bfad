"""Retention: finding and deleting old articles, in batches, with what hangs off them.

An article's search index entry goes with it, and so do its near-duplicate band keys (both
deleted explicitly: neither table has a foreign key) and its category count. Delivery
records of deleted articles are swept afterwards in one statement
(``forget_orphan_deliveries``): the ledger has no index by article, so deleting them batch
by batch would scan it once per batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, delete, exists, func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AlertGap,
    Article,
    CategoryCount,
    Delivery,
    JobCursor,
    OutboxMessage,
    PendingAlert,
    Subscription,
)
from storage.neardup import forget_bands
from storage.outbox import FAILED, SENT
from storage.search import unindex_articles


@dataclass(frozen=True, slots=True)
class PruneCursor:
    """Where the scan for prunable articles stopped: the last (sort_at, id) looked at."""

    sort_at: datetime
    article_id: int


@dataclass(frozen=True, slots=True)
class PrunableBatch:
    ids: list[int]
    next_cursor: PruneCursor | None  # None: nothing further to look at


async def oldest_digest_start(session: AsyncSession) -> datetime | None:
    """The earliest ``last_digest_at`` of the active subscriptions (``None``: none has one).

    A digest lists articles ingested after its chat's previous digest, so nothing ingested
    before this is ever listed again. Paused subscriptions (Telegram refused the chat) do
    not count: they may never come back.
    """
    oldest: datetime | None = await session.scalar(
        select(func.min(Subscription.last_digest_at)).where(Subscription.active.is_(True))
    )
    return oldest


async def prunable_articles(
    session: AsyncSession,
    *,
    published_before: datetime,
    ingested_before: datetime,
    after: PruneCursor | None,
    limit: int,
) -> PrunableBatch:
    """The next ``limit`` articles, oldest first, that were published (undated ones:
    ingested) before ``published_before`` and ingested before ``ingested_before``, and
    that no alert is waiting to send. Reads the (sort_at, id) index from ``after`` on."""
    conditions = [
        Article.sort_at < published_before,
        Article.ingested_at < ingested_before,
        # Undated articles sort at 1970: their ingestion time stands for their age.
        or_(Article.published_at.is_not(None), Article.ingested_at < published_before),
    ]
    if after is not None:
        conditions.append(
            or_(
                Article.sort_at > after.sort_at,
                and_(Article.sort_at == after.sort_at, Article.id > after.article_id),
            )
        )
    rows = (
        await session.execute(
            select(Article.id, Article.sort_at)
            .where(*conditions)
            .order_by(Article.sort_at, Article.id)
            .limit(limit)
        )
    ).all()
    if not rows:
        return PrunableBatch([], None)
    # Alerts waiting out quiet hours are few: one small query, not a join per row.
    waiting = set(
        await session.scalars(
            select(PendingAlert.article_id).where(
                PendingAlert.article_id.in_([row.id for row in rows])
            )
        )
    )
    cursor = PruneCursor(rows[-1].sort_at, rows[-1].id) if len(rows) == limit else None
    return PrunableBatch([row.id for row in rows if row.id not in waiting], cursor)


async def delete_articles(session: AsyncSession, ids: Sequence[int]) -> Counter[str]:
    """Delete these articles with their index entries, band keys and category counts.

    Returns how many were deleted per category (an id already gone counts for nothing).
    """
    if not ids:
        return Counter()
    newest = await session.scalar(select(func.max(Article.id)))
    await unindex_articles(session, ids)
    await forget_bands(session, ids)
    rows = await session.execute(
        delete(Article).where(Article.id.in_(list(ids))).returning(Article.category)
    )
    deleted = Counter(category for (category,) in rows)
    if session.get_bind().dialect.name == "sqlite" and newest in ids:
        await _ready_ids_for_reuse(session)
    if deleted:
        table = cast(Table, CategoryCount.__table__)
        await session.execute(
            update(table)
            .where(table.c.name == bindparam("deleted_name"))
            .values(article_count=table.c.article_count - bindparam("deleted_count")),
            [{"deleted_name": name, "deleted_count": count} for name, count in deleted.items()],
        )
    return deleted


async def _ready_ids_for_reuse(session: AsyncSession) -> None:
    """SQLite gives a new article the largest id plus one, so deleting the newest articles
    gives their ids out again. In the deleting transaction (no article can take one of them
    meanwhile): the job cursors over article ids go back to the largest id left, and the
    delivery ledger and the alert job's gaps forget the ids above it, so an article that
    gets one of them is matched once and sent as the new article it is."""
    largest = await session.scalar(select(func.coalesce(func.max(Article.id), 0)))
    await session.execute(
        update(JobCursor).where(JobCursor.position > largest).values(position=largest)
    )
    await session.execute(delete(Delivery).where(Delivery.article_id > largest))
    await session.execute(delete(AlertGap).where(AlertGap.last_id > largest))


async def forget_orphan_deliveries(session: AsyncSession, *, up_to_id: int) -> int:
    """Delete the delivery records of articles that no longer exist (ids up to
    ``up_to_id``); how many. One pass over the ledger, however many articles went."""
    result = await session.execute(
        delete(Delivery).where(
            Delivery.article_id <= up_to_id,
            ~exists().where(Article.id == Delivery.article_id),
        )
    )
    return int(cast("CursorResult[Any]", result).rowcount or 0)


async def delete_delivered_messages(session: AsyncSession, *, before: datetime, limit: int) -> int:
    """Delete at most ``limit`` outbox messages delivered (sent, or given up: failed) and
    due before ``before``; how many. Reads ix_outbox_ready (status, not_before, id)."""
    delivered = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status.in_([SENT, FAILED]),
            OutboxMessage.not_before < before,
            # Sent later than due (a flood wait): kept until its sending is as old.
            or_(OutboxMessage.sent_at.is_(None), OutboxMessage.sent_at < before),
        )
        .limit(limit)
    )
    result = await session.execute(
        delete(OutboxMessage).where(OutboxMessage.id.in_(delivered.scalar_subquery()))
    )
    return int(cast("CursorResult[Any]", result).rowcount or 0)
