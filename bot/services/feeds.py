"""Managing the polled feeds: add (fetched once at once), list, remove, OPML in and out.

The chat commands (``bot.services.admin``) and ``newsdigest feeds`` both use these.
Polling itself is in ``bot.services.feed_polling``; ``poll_due_feeds`` is re-exported here.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.fetching.address_guard import AddressGuard
from bot.fetching.fetcher import Fetcher, FetchError, checked_url, vet_url
from bot.services.context import Runtime
from bot.services.feed_fetching import fetch_feed
from bot.services.feed_outcomes import FeedOutcome, store_fetched
from bot.services.feed_polling import PollReport, feed_poll_job, poll_due_feeds
from digest.categories import normalise_category
from digest.errors import InputError
from digest.opml import OpmlFeed, parse_opml, render_opml
from storage.feeds import NewFeed, all_feeds, delete_feed, existing_feed, feed_by_url, insert_feeds
from storage.models import Feed

__all__ = [
    "AddedFeed",
    "FeedOutcome",
    "ImportReport",
    "PollReport",
    "add_feed",
    "export_opml",
    "feed_poll_job",
    "import_opml",
    "list_feeds",
    "poll_due_feeds",
    "remove_feed",
]
IMPORT_CHECKS_AT_ONCE = 8


@dataclass(frozen=True, slots=True)
class AddedFeed:
    """What ``add_feed`` did: added ``feed_id``, or found ``duplicate_of``, or failed."""

    feed_id: int | None = None
    duplicate_of: int | None = None
    error: str | None = None  # one line naming the URL; nothing was stored
    title: str | None = None
    category: str | None = None
    items: int = 0
    new: int = 0


def feed_category(name: str | None) -> str | None:
    """The canonical category for a feed (``国际新闻`` → ``国际``); None when not given."""
    return normalise_category(name) if name and name.strip() else None


async def add_feed(
    runtime: Runtime, url: str, *, category: str | None = None, fetcher: Fetcher | None = None
) -> AddedFeed:
    """Fetch ``url`` once, through the poll code, and store it with its articles.

    Nothing is stored when the URL is refused or the fetch fails: the admin fixes the URL
    and tries again. A URL already stored, or moved permanently (301, 308) to one, is
    refused with that feed's id; a URL moved to one not stored is stored as moved.
    """
    category = feed_category(category)
    try:
        url = checked_url(url)
    except FetchError as exc:
        return AddedFeed(error=str(exc))
    async with runtime.db.transaction() as session:
        existing = await feed_by_url(session, url)
    if existing is not None:
        return AddedFeed(duplicate_of=existing.id)
    own = fetcher or Fetcher(allow_private=runtime.settings.allow_private_feed_urls)
    try:
        fetched = await fetch_feed(
            own, url, category=category, zone=runtime.settings.zone, now=runtime.now()
        )
    except InputError as exc:
        return AddedFeed(error=str(exc))
    finally:
        if fetcher is None:
            await own.aclose()
    now = runtime.now()
    async with runtime.db.transaction() as session:
        moved_to = fetched.result.moved_to
        existing = await feed_by_url(session, moved_to) if moved_to else None
        if existing is not None:  # the URL moved permanently to a feed already there
            return AddedFeed(duplicate_of=existing.id)
        ids = await insert_feeds(
            session, [NewFeed(url, category=category, title=fetched.title)], now=now
        )
        if not ids:  # another admin added it meanwhile
            existing = await feed_by_url(session, url)
            return AddedFeed(duplicate_of=existing.id if existing else None)
        feed = await existing_feed(session, ids[0])
        outcome = await store_fetched(session, runtime, feed, fetched, now=now)
    return AddedFeed(
        feed_id=feed.id,
        title=fetched.title,
        category=category,
        items=outcome.items,
        new=outcome.new,
    )


async def list_feeds(runtime: Runtime) -> list[Feed]:
    async with runtime.db.transaction() as session:
        return await all_feeds(session)


async def remove_feed(runtime: Runtime, feed_id: int) -> str | None:
    """Remove the feed (its articles stay); its URL, or ``None`` when there is none."""
    async with runtime.db.transaction() as session:
        return await delete_feed(session, feed_id)


@dataclass(slots=True)
class ImportReport:
    added: list[int] = field(default_factory=list)
    existing: int = 0  # already stored
    refused: list[tuple[str, str]] = field(default_factory=list)  # (URL, one-line reason)


async def import_opml(
    runtime: Runtime, data: bytes, *, origin: str, guard: AddressGuard | None = None
) -> ImportReport:
    """Add every feed of an OPML document, due for polling at once; ``ParseError`` when the
    document cannot be read. URLs are checked (scheme, addresses) before anything is stored;
    the poll job fetches them, so importing a hundred feeds takes seconds."""
    entries = parse_opml(data, origin=origin)
    guard = guard or AddressGuard(allow_private=runtime.settings.allow_private_feed_urls)
    limit = asyncio.Semaphore(IMPORT_CHECKS_AT_ONCE)

    async def vetted(entry: OpmlFeed) -> NewFeed | tuple[str, str]:
        async with limit:
            try:
                url = await vet_url(entry.url, guard)
            except FetchError as exc:
                return entry.url, str(exc)
        return NewFeed(url, category=feed_category(entry.category), title=entry.title)

    report = ImportReport()
    checked = await asyncio.gather(*(vetted(entry) for entry in entries))
    candidates = [item for item in checked if isinstance(item, NewFeed)]
    report.refused = [item for item in checked if not isinstance(item, NewFeed)]
    async with runtime.db.transaction() as session:
        report.added = await insert_feeds(session, candidates, now=runtime.now())
    report.existing = len(candidates) - len(report.added)
    return report


async def export_opml(runtime: Runtime) -> bytes:
    feeds = await list_feeds(runtime)
    return render_opml(
        (OpmlFeed(feed.url, feed.title, feed.category) for feed in feeds), created=runtime.now()
    )
