"""Polling feeds: claim the due ones, a few at a time, fetch, parse, ingest, reschedule.

What a poll's outcome does to its feed (stored, backed off, broken and the admins told) is
in ``bot.services.feed_outcomes``. Parsing runs in a worker thread, so the event loop (and
the bot's replies) never waits for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bot.fetching.credentials import shown_url
from bot.fetching.fetcher import DEFAULT_DEADLINE, Fetcher, FetchError
from bot.services.context import Runtime
from bot.services.feed_fetching import fetch_feed
from bot.services.feed_outcomes import FeedOutcome, record_poll_failure, store_fetched
from digest.errors import InputError
from storage.feed_polls import claim_due_feeds
from storage.heartbeats import beat
from storage.models import Feed

logger = logging.getLogger(__name__)

# A claimed feed is left alone this long: longer than a fetch may take, with parsing.
LEASE = timedelta(seconds=DEFAULT_DEADLINE * 5)
POLL_JOB_SECONDS = 60.0  # how often the job looks for due feeds
MAX_FEEDS_PER_RUN = 500
HEARTBEAT = "feed_poll"


@dataclass(slots=True)
class PollReport:
    outcomes: list[FeedOutcome] = field(default_factory=list)
    notices: list[tuple[int, str]] = field(default_factory=list)  # (admin id, HTML text)

    @property
    def new(self) -> int:
        return sum(outcome.new for outcome in self.outcomes)

    @property
    def failed(self) -> int:
        return sum(not outcome.ok for outcome in self.outcomes)

    def summary(self) -> str:
        return f"polled {len(self.outcomes)}, new {self.new}, failed {self.failed}"


async def poll_feed(
    runtime: Runtime, fetcher: Fetcher, feed: Feed
) -> tuple[FeedOutcome, list[tuple[int, str]]]:
    """One poll of a claimed feed, recorded: its outcome and any admin notices it caused."""
    try:
        fetched = await fetch_feed(
            fetcher,
            feed.url,
            category=feed.category,
            zone=runtime.settings.zone,
            now=runtime.now(),
            etag=feed.etag,
            last_modified=feed.last_modified,
        )
        now = runtime.now()
        async with runtime.db.transaction() as session:
            outcome = await store_fetched(session, runtime, feed, fetched, now=now)
    except InputError as exc:
        logger.info("feed %s failed: %s", feed.id, exc)
        fetch_error = exc if isinstance(exc, FetchError) else None
        return await record_poll_failure(
            runtime,
            feed,
            str(exc),
            now=runtime.now(),
            retry_after=fetch_error.retry_after if fetch_error else None,
            unreachable=fetch_error.unreachable if fetch_error else False,
        )
    except Exception:
        # A bug met on one feed's content, or a write the database refused (the poll's
        # transaction rolled back: nothing of it is kept), must not stop the other feeds'
        # polls nor leave this one retried at every lease's end: log it with its
        # traceback and back off like any failure.
        shown = shown_url(feed.url)
        logger.exception("unexpected error polling feed %s (%s)", feed.id, shown)
        error = f"{shown}: unexpected error (see the bot's log)"
        return await record_poll_failure(runtime, feed, error, now=runtime.now())
    return outcome, []


def _count(runtime: Runtime, outcome: FeedOutcome) -> None:
    """``newsdigest_feed_polls_total`` and the poll's articles."""
    label = "failed" if not outcome.ok else "not_modified" if outcome.not_modified else "ok"
    runtime.metrics.feed_polls.labels(label).inc()
    runtime.metrics.ingested("feed", new=outcome.new, duplicate=outcome.items - outcome.new)


async def poll_due_feeds(
    runtime: Runtime,
    *,
    concurrency: int = 4,
    limit: int = MAX_FEEDS_PER_RUN,
    fetcher: Fetcher | None = None,
) -> PollReport:
    """Poll every due feed (at most ``limit``), ``concurrency`` at a time.

    Each worker claims one feed at a time, so a slow feed holds up only its own worker and
    several processes share the due feeds without polling one twice.
    """
    report = PollReport()
    claimed = 0
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(allow_private=runtime.settings.allow_private_feed_urls)

    async def worker() -> None:
        nonlocal claimed
        while claimed < limit:
            claimed += 1
            now = runtime.now()
            async with runtime.db.transaction() as session:
                feeds = await claim_due_feeds(session, now=now, lease_until=now + LEASE, limit=1)
            if not feeds:
                return
            outcome, notices = await poll_feed(runtime, fetcher, feeds[0])
            _count(runtime, outcome)
            report.outcomes.append(outcome)
            report.notices.extend(notices)

    try:
        async with asyncio.TaskGroup() as workers:
            for _ in range(max(1, concurrency)):
                workers.create_task(worker())
    finally:
        if own_fetcher:
            await fetcher.aclose()
    async with runtime.db.transaction() as session:
        await beat(session, HEARTBEAT, now=runtime.now(), detail=report.summary())
    if report.outcomes:
        logger.info("feed poll: %s", report.summary())
    return report


def feed_poll_job(runtime: Runtime) -> tuple[Callable[[], Awaitable[PollReport]], float]:
    """The scheduler entry: (job, seconds between runs), for ``build_scheduler``."""

    async def poll() -> PollReport:
        return await poll_due_feeds(runtime)

    return poll, POLL_JOB_SECONDS
