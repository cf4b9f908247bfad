"""One feed's document: fetched (conditionally) and parsed into records ready to store.

Parsing is CPU work and runs in a worker thread, so the event loop never waits for it.
Shared by polling and by /addfeed's first fetch.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.fetching.credentials import shown_url, url_without_credentials
from bot.fetching.fetcher import Fetcher, FetchResult
from bot.services.preparing import prepare_records
from digest.errors import ParseError
from digest.feed import feed_metadata
from digest.formats import SNIFF_BYTES, parse_document, sniff_format
from digest.pipeline import ArticleRecord, to_utc

# An item dated later than this after its fetch is misdated (a wrong zone, a typo in the
# year): it would stay at the top of /latest until that time came.
FUTURE_SLACK = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class FetchedFeed:
    """A fetch's answer, parsed: ``records`` is empty when the feed was not modified."""

    result: FetchResult
    records: list[ArticleRecord]
    title: str | None = None
    ttl_seconds: int | None = None


def _same_path(url: str, other: str) -> bool:
    """Whether both URLs have one path and query (a trailing slash aside)."""
    first, second = urlsplit(url), urlsplit(other)
    return (first.path.rstrip("/"), first.query) == (second.path.rstrip("/"), second.query)


def _parse(
    result: FetchResult, *, origin: str, category: str | None, zone: ZoneInfo, now: datetime
) -> FetchedFeed:
    """CPU work, for a worker thread: the document's articles, ready to store.

    ``ParseError`` when the URL moved permanently to a page at another path: sites wrongly
    send their feed's URL to their home page so, and the feed must not adopt it. A page
    polled as a feed may move to another scheme, host or port (to https, to www.).
    """
    is_feed = sniff_format(result.body[:SNIFF_BYTES], result.content_type) == "feed"
    if result.moved_to is not None and not is_feed and not _same_path(origin, result.moved_to):
        moved = shown_url(result.moved_to)
        raise ParseError(
            f"{origin}: moved permanently to {moved}, a page, not an RSS or Atom feed"
        )
    articles = parse_document(
        result.body,
        origin=origin,
        default_tz=zone,
        content_type=result.content_type,
        category=category,
        # Relative links are the document's, where it came from after its redirects.
        base_url=url_without_credentials(result.url),
    )
    if category is not None:
        # An admin's category for the feed wins over items' own tags, which are free-form
        # keywords far more often than sections.
        for article in articles:
            article.category = category
    for article in articles:
        published = to_utc(article.published_at, zone)
        if published is not None and published > now + FUTURE_SLACK:
            article.published_at = now
    # An item that cannot be prepared is logged and left out; the others are stored.
    records, _unprepared = prepare_records(articles, zone=zone, now=now)
    if not is_feed:
        return FetchedFeed(result, records)
    info = feed_metadata(result.body, origin=origin)
    return FetchedFeed(result, records, title=info.title, ttl_seconds=info.ttl_seconds)


async def fetch_feed(
    fetcher: Fetcher,
    url: str,
    *,
    category: str | None,
    zone: ZoneInfo,
    now: datetime,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchedFeed:
    """Fetch (conditionally) and parse; ``InputError`` naming the URL when either fails.

    An item dated more than ``FUTURE_SLACK`` after ``now`` is taken as published ``now``.
    """
    result = await fetcher.fetch(url, etag=etag, last_modified=last_modified)
    if result.not_modified:
        # A permanent move answered 304 (the validators go along the redirect) shows no
        # document to tell a feed from a home page: adopted once one comes.
        return FetchedFeed(replace(result, moved_to=None), [])
    return await asyncio.to_thread(
        _parse,
        result,
        origin=url_without_credentials(url),  # errors name it
        category=category,
        zone=zone,
        now=now,
    )
