"""The alert job: match newly ingested articles against every watch, and queue alerts.

It reads articles past a cursor in the database, so an article is matched once whichever
process ingested it (the CLI, a feed poll, another bot), and one ingested just before a crash
is matched after the restart. Alerts go through the outbox and the delivery workers like
digests, and into the same ledger: the next digest does not list them again. Matching is
``bot.services.alert_matching``'s, sending ``bot.services.alert_sending``'s.
"""

from __future__ import annotations

from bot.services.alert_matching import COMMIT_GRACE, CURSOR, AlertMatcher, match_new_articles
from bot.services.alert_sending import send_due_alerts
from bot.services.context import Runtime
from storage.alert_cursor import claim_cursor
from storage.heartbeats import beat


async def alert_tick(runtime: Runtime, matcher: AlertMatcher) -> int:
    """Match what was ingested since the last tick, then queue the alerts that are due.

    One process at a time: the one holding the cursor does both (two processes taking the
    same due alerts would send them twice); the others return 0 at once."""
    now = runtime.now()
    async with runtime.db.transaction() as session:
        position = await claim_cursor(session, CURSOR, start_before=now - COMMIT_GRACE)
        if position is None:
            return 0
        await match_new_articles(session, runtime, matcher, position, now)
        queued = await send_due_alerts(session, runtime, now)
        await beat(session, "alert_tick", now=now, detail=f"queued {queued}")
    return queued
