"""What waits in the database, for the operator's gauges: the outbox's depth and its oldest
message, and the digests due but not yet queued. Read when Prometheus scrapes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage, Subscription
from storage.outbox import PENDING, SENDING


@dataclass(frozen=True, slots=True)
class Backlog:
    pending: int  # waiting in the outbox (their time come or not: a 429 sets it later)
    sending: int  # claimed by a delivery worker
    oldest_created_at: datetime | None  # the oldest of those, None when the outbox is empty
    digests_due: int  # active subscriptions due now, not yet queued by a tick


async def read_backlog(session: AsyncSession, *, now: datetime) -> Backlog:
    """Two statements on ix_outbox_ready and ix_subscriptions_due."""
    rows = await session.execute(
        select(OutboxMessage.status, func.count(), func.min(OutboxMessage.created_at))
        .where(OutboxMessage.status.in_([PENDING, SENDING]))
        .group_by(OutboxMessage.status)
    )
    counts: dict[str, int] = {}
    oldest: list[datetime] = []
    for status, count, created_at in rows:
        counts[status] = int(count)
        if created_at is not None:
            oldest.append(created_at)
    due = await session.scalar(
        select(func.count()).where(
            Subscription.active.is_(True), Subscription.next_digest_at <= now
        )
    )
    return Backlog(
        pending=counts.get(PENDING, 0),
        sending=counts.get(SENDING, 0),
        oldest_created_at=min(oldest, default=None),
        digests_due=int(due or 0),
    )
