"""A poll's outcome, recorded: a success's articles stored and the feed rescheduled (or
moved, after a permanent redirect); a failure backed off, and a feed that keeps failing
marked broken, with the admins told once through the outbox.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.fetching.credentials import shown_url
from bot.services.context import Runtime
from bot.services.feed_fetching import FetchedFeed
from bot.services.storing import store_records
from bot.services.zones import zone_or_default
from bot.texts.messages import say, shortened
from digest.feed_schedule import (
    backoff_interval,
    is_broken,
    success_interval,
    with_retry_after,
)
from digest.render import format_time
from storage.chats import chat_languages_and_zones
from storage.feed_polls import any_feed_fetched_since, move_feed, record_failure, record_success
from storage.models import Feed
from storage.outbox import enqueue_messages

logger = logging.getLogger(__name__)


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


async def store_fetched(
    session: AsyncSession, runtime: Runtime, feed: Feed, fetched: FetchedFeed, *, now: datetime
) -> FeedOutcome:
    """Store a successful poll's articles (deduplicated) and reschedule the feed; a feed
    permanently redirected takes its new URL (unless another feed has it)."""
    result = fetched.result
    # An item the database refuses alone is logged and left out (``store_records``).
    new_ids = (await store_records(session, fetched.records, now=now)).new_ids
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
