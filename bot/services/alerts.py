"""The alert job: match newly ingested articles against every watch, and queue alerts.

It reads articles past a cursor in the database, so an article is matched once whichever
process ingested it (the CLI, a feed poll, another bot), and one ingested just before a crash
is matched after the restart. Alerts go through the outbox and the delivery workers like
digests, and into the same ledger: the next digest does not list them again. Matching is
``bot.services.alert_matching``'s, sending ``bot.services.alert_sending``'s.
"""

from __future__ import annotations

from bot.services.alert_matching import COMMIT_GRACE, CURSOR, AlertMatcher, AlertRun
from bot.services.alert_sending import send_due_alerts
from bot.services.context import Runtime
from storage.alert_cursor import claim_cursor, first_ingested_after
from storage.heartbeats import beat


async def alert_tick(runtime: Runtime, matcher: AlertMatcher) -> int:
    """Match what was ingested since the last tick, a page of articles a transaction, then
    queue the alerts that are due.

    One process at a time: each transaction claims the cursor, and only the process holding
    it matches a page or queues the due alerts (two processes taking the same due alerts
    would send them twice). The others return 0 at once, and so does a run whose cursor
    another process moved between its pages: that one has taken the backlog over."""
    now = runtime.now()
    run: AlertRun | None = None
    while True:
        async with runtime.db.transaction() as session:
            position = await claim_cursor(session, CURSOR, start_before=now - COMMIT_GRACE)
            if position is None or (run is not None and position != run.position):
                return 0
            if run is None:
                waiting_since = await first_ingested_after(session, position)
                lag = 0.0 if waiting_since is None else (now - waiting_since).total_seconds()
                runtime.metrics.alert_lag.set(max(0.0, lag))
                run = await AlertRun.start(session, runtime, matcher, position, now)
            if not await run.next_page(session):
                queued = await send_due_alerts(session, runtime, now)
                await beat(session, "alert_tick", now=now, detail=f"queued {queued}")
                break
    runtime.metrics.alerts_queued.inc(queued)  # once committed
    return queued
