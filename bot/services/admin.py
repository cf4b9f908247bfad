"""/addfeed, /feeds, /removefeed, /stats: for the bot's admins (ADMIN_IDS) only.

Anyone else gets a polite refusal before anything is read, fetched or written.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta

from bot.fetching.credentials import shown_url
from bot.services import feeds
from bot.services.context import Caller, Runtime
from bot.services.languages import category_label
from bot.texts.messages import Html, raw, say, shortened
from digest.render import format_time, pack_messages
from digest.reply import Reply
from storage.feeds import latest_errors
from storage.models import Feed
from storage.stats import store_stats

AdminService = Callable[[Runtime, Caller, list[str]], Awaitable[Reply]]
LAST_ERRORS = 5


def admins_only(service: AdminService) -> AdminService:
    """The service for admins; for anyone else, a refusal and nothing else."""

    @functools.wraps(service)
    async def guarded(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:
        if not caller.is_admin:
            return Reply([raw(caller.language, "admin.refused")])
        return await service(runtime, caller, args)

    return guarded


def _category(caller: Caller, category: str | None) -> str:
    if category is None:
        return raw(caller.language, "feeds.any_category")
    return category_label(caller, category)


def _when(caller: Caller, moment: datetime | None) -> str:
    if moment is None:
        return raw(caller.language, "feeds.never")
    return format_time(moment, caller.zone)


@admins_only
async def add_feed(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:
    if not args:
        return Reply([raw(caller.language, "addfeed.usage")])
    url, *category = args
    added = await feeds.add_feed(runtime, url, category=" ".join(category) or None)
    language = caller.language
    if added.duplicate_of is not None:
        return Reply([say(language, "addfeed.duplicate", id=added.duplicate_of)])
    if added.error is not None or added.feed_id is None:
        return Reply([say(language, "addfeed.failed", reason=shortened(added.error or ""))])
    text = say(
        language,
        "addfeed.done",
        id=added.feed_id,
        title=added.title or shown_url(url),
        category=_category(caller, added.category),
        items=added.items,
        new=added.new,
    )
    return Reply([text])


def _state(caller: Caller, feed: Feed) -> str:
    language, next_poll = caller.language, _when(caller, feed.next_poll_at)
    if feed.broken:
        return say(language, "feeds.broken", failures=feed.consecutive_failures, next=next_poll)
    if feed.consecutive_failures:
        return say(language, "feeds.failing", failures=feed.consecutive_failures, next=next_poll)
    if feed.last_success_at is None:
        return raw(language, "feeds.pending")
    return say(language, "feeds.ok", next=next_poll)


def _feed_block(caller: Caller, feed: Feed) -> str:
    block = say(
        caller.language,
        "feeds.item",
        id=feed.id,
        title=shortened(feed.title or shown_url(feed.url)),
        category=_category(caller, feed.category),
        url=shortened(shown_url(feed.url)),
        state=Html(_state(caller, feed)),
        success=_when(caller, feed.last_success_at),
        items=feed.item_count,
        added=feed.articles_added,
    )
    if feed.last_error:
        when = _when(caller, feed.last_error_at)
        error = say(caller.language, "feeds.error", when=when, error=shortened(feed.last_error))
        block = f"{block}\n{error}"
    return block


@admins_only
async def list_feeds(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:  # noqa: ARG001 - same signature as every command
    stored = await feeds.list_feeds(runtime)
    if not stored:
        return Reply([raw(caller.language, "feeds.empty")])
    header = say(caller.language, "feeds.header", count=len(stored))
    return Reply(pack_messages((_feed_block(caller, feed) for feed in stored), header=header))


@admins_only
async def remove_feed(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:
    number = args[0].removeprefix("#") if len(args) == 1 else ""
    if not number.isdecimal():  # isdigit() takes "²", which int() refuses
        return Reply([raw(caller.language, "removefeed.usage")])
    url = await feeds.remove_feed(runtime, int(number))
    if url is None:
        return Reply([say(caller.language, "removefeed.missing", id=number)])
    shown = shortened(shown_url(url))
    return Reply([say(caller.language, "removefeed.done", id=number, url=shown)])


@admins_only
async def stats(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:  # noqa: ARG001 - same signature as every command
    """Counts, digests sent today (UTC), and the feeds' latest errors."""
    today = datetime.combine(runtime.now().astimezone(UTC).date(), time(), tzinfo=UTC)
    async with runtime.db.transaction() as session:
        counts = await store_stats(session, since=today, until=today + timedelta(days=1))
        failed = await latest_errors(session, limit=LAST_ERRORS)
    language = caller.language
    text = say(
        language,
        "stats",
        articles=f"{counts.articles:,}",
        feeds=counts.feeds,
        broken=counts.broken_feeds,
        subscribers=f"{counts.subscribers:,}",
        digests=f"{counts.digests_sent:,}",
    )
    lines = [
        say(
            language,
            "stats.error",
            id=feed.id,
            when=_when(caller, feed.last_error_at),
            error=shortened(feed.last_error or ""),
        )
        for feed in failed
    ]
    errors = (
        [raw(language, "stats.errors"), *lines] if lines else [raw(language, "stats.no_errors")]
    )
    return Reply(pack_messages(["\n".join([text, "", *errors])]))
