"""Polling feeds: claim the due ones, a few at a time, fetch, parse, ingest, reschedule.

A failing feed backs off (``digest.feed_schedule``); one that keeps failing is marked broken
and the admins are told once, through the outbox. Parsing runs in a worker thread, so the
event loop (and the bot's replies) never waits for it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.fetch import DEFAULT_DEADLINE, Fetcher, FetchError
from bot.messages import say, shortened
from bot.services.context import Runtime
from bot.services.feed_fetching import FetchedFeed, fetch_feed
from bot.services.zones import zone_or_default
from bot.url_credentials import shown_url
from digest.errors import InputError
from digest.feed_schedule import (
    backoff_interval,
    is_broken,
    success_interval,
    with_retry_after,
)
from digest.render import format_time
from storage.articles import insert_articles
from storage.feeds import (
    any_feed_fetched_since,
    chat_languages_and_zones,
    claim_due_feeds,
    move_feed,
    record_failure,
    record_success,
)
from storage.heartbeats import beat
from storage.models import Feed
from storage.outbox import enqueue_messages

logger = logging.getLogger(__name__)

# A claimed feed is left alone this long: longer than a fetch may take, with parsing.
LEASE = timedelta(seconds=DEFAULT_DEADLINE * 5)
POLL_JOB_SECONDS = 60.0  # how often the job looks for due feeds
MAX_FEEDS_PER_RUN = 500
HEARTBEAT = "feed_poll"


@dataclass(slots=True)
class FeedOutcome:
    feed_id: int
    url: str
    error: str | None = None  # one line, naming the URL
    not_modified: bool = False
    items: int = 0  # items in the document
    new: int = 0  # articles stored (the others were duplicates)
    newly_broken: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


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


async def store_fetched(
    session: AsyncSession, runtime: Runtime, feed: Feed, fetched: FetchedFeed, *, now: datetime
) -> FeedOutcome:
    """Store a successful poll's articles (deduplicated) and reschedule the feed; a feed
    permanently redirected takes its new URL (unless another feed has it)."""
    result = fetched.result
    new_ids = (await insert_articles(session, fetched.records, now=now)).new_ids
    unchanged = result.not_modified  # a 304 has no document: keep what the last one said
    ttl = feed.ttl_seconds if unchanged else fetched.ttl_seconds
    interval = success_interval(
        timedelta(seconds=runtime.settings.feed_poll_interval),
        ttl_seconds=ttl,
        max_age=result.max_age,
    )
    recorded = await record_success(
        session,
        feed.id,
        claimed_until=feed.next_poll_at,
        now=now,
        next_poll_at=now + interval,
        etag=result.etag or (feed.etag if result.not_modified else None),
        last_modified=result.last_modified
        or (feed.last_modified if result.not_modified else None),
        title=None if result.not_modified else fetched.title,
        item_count=None if result.not_modified else len(fetched.records),
        ttl_seconds=None if result.not_modified else fetched.ttl_seconds,
        added=len(new_ids),
    )
    if not recorded:
        # The lease ran out and another poller took the feed: its state is newer. The
        # articles stay (deduplicated like any).
        logger.warning("feed %s: poll outlived its lease; its outcome is not kept", feed.id)
    elif result.moved_to is not None and result.moved_to != feed.url:
        moved_to = shown_url(result.moved_to)
        if await move_feed(session, feed.id, result.moved_to):
            logger.info("feed %s moved permanently to %s", feed.id, moved_to)
        else:
            logger.info(
                "feed %s moved permanently to %s, another feed's URL: kept %s",
                feed.id,
                moved_to,
                shown_url(feed.url),
            )
    return FeedOutcome(
        feed.id,
        feed.url,
        not_modified=result.not_modified,
        items=len(fetched.records),
        new=len(new_ids),
    )


async def _broken_notices(
    session: AsyncSession,
    runtime: Runtime,
    feed: Feed,
    error: str,
    *,
    since: datetime,
    now: datetime,
) -> list[tuple[int, str]]:
    """Tell every admin, in the language and time zone of their chat with the bot, through
    the outbox."""
    admins = sorted(runtime.settings.admin_ids)
    if not admins:
        logger.warning(
            "feed %s (%s) is broken and no ADMIN_IDS are set to tell",
            feed.id,
            shown_url(feed.url),
        )
    chats = await chat_languages_and_zones(session, admins)
    notices = []
    for admin in admins:
        language, zone_name = chats.get(admin, ("zh", None))
        zone = zone_or_default(zone_name, runtime.settings.zone)
        text = say(
            language,
            "feed.broken_notice",
            id=feed.id,
            title=shortened(feed.title or shown_url(feed.url)),
            failures=feed.consecutive_failures + 1,
            since=format_time(since, zone),
            error=shortened(error),
        )
        await enqueue_messages(session, chat_id=admin, kind="notice", texts=[text], now=now)
        notices.append((admin, text))
    return notices


async def record_poll_failure(
    runtime: Runtime,
    feed: Feed,
    error: str,
    *,
    now: datetime,
    retry_after: float | None = None,
    unreachable: bool = False,
) -> tuple[FeedOutcome, list[tuple[int, str]]]:
    """Back off (no sooner than the server's ``Retry-After``, in seconds); mark the feed
    broken (and queue the admins' notices) when it is.

    An ``unreachable`` feed (no server answered) is not marked broken while no feed at all was
    fetched since its previous try: our network is down, not every feed's server (a
    whole-network outage would otherwise break every feed, with a notice for each).
    """
    failures = feed.consecutive_failures + 1
    since = feed.failing_since or now
    interval = timedelta(seconds=runtime.settings.feed_poll_interval)
    delay = with_retry_after(
        backoff_interval(interval, failures, random=random.random), retry_after
    )
    notices: list[tuple[int, str]] = []
    broken = is_broken(failures, failing_since=since, now=now)
    async with runtime.db.transaction() as session:
        if broken and unreachable:
            previous_try = feed.last_error_at or since
            if not await any_feed_fetched_since(session, previous_try):
                logger.info(
                    "feed %s not marked broken: no feed was reached since its last try",
                    feed.id,
                )
                broken = False
        newly_broken = await record_failure(
            session,
            feed.id,
            claimed_until=feed.next_poll_at,
            now=now,
            error=error,
            failures=failures,
            failing_since=since,
            next_poll_at=now + delay,
            broken=broken,
        )
        if newly_broken:
            logger.warning("feed %s (%s) is broken: %s", feed.id, shown_url(feed.url), error)
            notices = await _broken_notices(session, runtime, feed, error, since=since, now=now)
    outcome = FeedOutcome(feed.id, feed.url, error=error, newly_broken=newly_broken)
    return outcome, notices


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
