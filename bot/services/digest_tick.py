"""The digest tick: every digest due now, queued for delivery. Safe in several processes.

The tick reads due subscriptions in keyset pages and groups a page's chats by window
(categories, since): the window's articles are read once per tick, what the page's chats of
that window were already sent (alerts, /digest) in one query, and each distinct digest is
rendered once. A page's outbox rows, ledger rows and schedules take one statement each.
Memory is bounded by the page and two small caches, not by the number of chats.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime
from datetime import time as time_of_day
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.context import Runtime
from bot.services.digest_windows import (
    DigestCaches,
    chat_shares,
    render_digest,
    subscription_window,
    window_sources,
)
from bot.services.languages import reading_script
from bot.services.story_buttons import keyboard_json, number_buttons
from bot.services.zones import zone_or_default
from digest.schedule import next_digest_at, same_local_day
from storage.deliveries import record_many_deliveries
from storage.heartbeats import beat
from storage.outbox import ChatBatch, enqueue_batches
from storage.story_windows import DigestWindow
from storage.subscriptions import (
    DueDigest,
    claim_due_page,
    schedule_digests,
)

logger = logging.getLogger(__name__)
TICK_PAGE = 200
PAGE_PAUSE = 0.05


async def _queue_page(
    session: AsyncSession,
    runtime: Runtime,
    page: list[DueDigest],
    now: datetime,
    caches: DigestCaches,
) -> int:
    """Queue the page's digests that are still due the same local day, and schedule each
    chat's next one; the number queued."""
    schedules: list[tuple[int, datetime, datetime | None]] = []
    windows: dict[DigestWindow, list[tuple[DueDigest, ZoneInfo]]] = {}
    max_age = runtime.settings.news_max_age
    for due in page:
        zone = zone_or_default(due.timezone, runtime.settings.zone)
        last = due.last_digest_at
        if same_local_day(due.next_digest_at, now, zone):
            window = subscription_window(
                due.categories, due.excluded_categories, due.last_digest_at, now, max_age=max_age
            )
            windows.setdefault(window, []).append((due, zone))
            last = now
        else:
            logger.info("digest for chat %s missed on an earlier day: skipped", due.chat_id)
        following = next_digest_at(now, time_of_day.fromisoformat(due.digest_time), zone)
        schedules.append((due.chat_id, following, last))
    outbox: list[ChatBatch] = []
    ledger: list[tuple[int, int]] = []
    cap = runtime.settings.digest_max_articles
    headlines = runtime.settings.digest_headlines
    keyboards: dict[tuple[tuple[int, ...], ...], list[str | None]] = {}
    for window, members in windows.items():
        chat_ids = [due.chat_id for due, _ in members]
        shares = await chat_shares(session, caches, window, chat_ids, cap=cap, headlines=headlines)
        sources = window_sources(caches, window)
        for due, zone in members:
            share = shares.get(due.chat_id)
            if share is None or not share.listed:
                continue
            composed = render_digest(
                caches,
                share,
                language=due.language,
                zone=zone,
                now=now,
                sources=sources,
                script=reading_script(due.language, due.script_variant),
            )
            listed = composed.article_ids
            if listed not in keyboards:  # chats due together mostly share their digests
                keyboards[listed] = [keyboard_json(rows) for rows in number_buttons(listed)]
            outbox.append(
                ChatBatch(
                    due.chat_id,
                    composed.messages,
                    keyboards[listed],
                    due.next_digest_at,
                    due.thread_id,
                )
            )
            ledger.extend((due.chat_id, article.id) for article in share.listed)
    await enqueue_batches(session, outbox, kind="digest", now=now)
    await record_many_deliveries(session, ledger, kind="digest", now=now)
    await schedule_digests(session, schedules)
    return len(outbox)


async def digest_tick(runtime: Runtime) -> int:
    """Queue every digest due now; the number queued. Safe to run in several processes.

    One ``now`` for the whole tick: every window of it ends there, so the chats due together
    share their windows today and, their ``last_digest_at`` being equal, tomorrow too.
    """
    now = runtime.now()
    caches = DigestCaches()
    queued = 0
    after = None
    started = time.perf_counter()
    while True:
        async with runtime.db.transaction() as session:
            page = await claim_due_page(session, now=now, after=after, limit=TICK_PAGE)
            page_queued = await _queue_page(session, runtime, page, now, caches)
            last = len(page) < TICK_PAGE
            if last:
                detail = f"queued {queued + page_queued}"
                await beat(session, "digest_tick", now=runtime.now(), detail=detail)
        queued += page_queued
        runtime.metrics.digests_queued.inc(page_queued)  # once committed
        if last:
            runtime.metrics.digest_tick_duration.observe(time.perf_counter() - started)
            return queued
        after = page[-1].cursor
        # The tick runs far ahead of delivery (30 messages/s): a pause between pages leaves
        # the event loop to the sends, and on SQLite lets the delivery worker, waiting in
        # the busy handler's polls for the write lock, take it before the next page does.
        await asyncio.sleep(PAGE_PAUSE)
