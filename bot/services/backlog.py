"""The gauges of what waits in the database (the outbox, digests due), read for a scrape."""

from __future__ import annotations

from bot.services.context import Runtime
from storage.backlog import read_backlog


async def refresh_backlog_gauges(runtime: Runtime) -> None:
    now = runtime.now()
    async with runtime.db.transaction() as session:
        backlog = await read_backlog(session, now=now)
    metrics = runtime.metrics
    metrics.outbox_messages.labels("pending").set(backlog.pending)
    metrics.outbox_messages.labels("sending").set(backlog.sending)
    oldest = backlog.oldest_created_at
    metrics.outbox_oldest_age.set(0 if oldest is None else (now - oldest).total_seconds())
    metrics.digests_due.set(backlog.digests_due)
