"""What a chat's digest holds, for the tick and for /digest alike: a window of articles
(categories, since, until), each chat's share of it (less what it was already sent), and
the digest rendered once per distinct share, language, zone and day.

Chats due together mostly share a few windows: a window's articles are read once per tick
and what its chats were already sent in one query. Memory is bounded by two small caches.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.texts.messages import say
from digest.article import StorySource
from digest.categories import english_label
from digest.compose import ComposedDigest, DigestTexts, chat_share, compose_digest
from digest.importance import DigestPick, ranked
from storage.deliveries import delivered_in_window
from storage.story_windows import DigestWindow, WindowArticles, window_articles
from storage.subscriptions import split_categories

FIRST_DIGEST_WINDOW = timedelta(hours=24)
# A window starts this long before the previous digest: an ingest stamps articles when it
# writes them and commits later (a bulk ingest every 5,000), and on PostgreSQL a digest
# read meanwhile does not see them; from the next window they would be older than "since".
# The ledger keeps out what the previous digest sent.
INGEST_SETTLE = timedelta(minutes=15)
# Distinct windows and digests kept within a tick: chats due together mostly share a few,
# and the bound keeps memory flat when they do not.
CACHED_WINDOWS = 64
CACHED_RENDERS = 256

K = TypeVar("K")
V = TypeVar("V")
RenderKey = tuple[tuple[int, ...], int, int, str, str | None, str, date]


class BoundedCache(Generic[K, V]):
    """The ``size`` most recently used entries."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)


@dataclass(slots=True)
class DigestCaches:
    windows: BoundedCache[DigestWindow, WindowArticles] = field(
        default_factory=lambda: BoundedCache(CACHED_WINDOWS)
    )
    renders: BoundedCache[RenderKey, ComposedDigest] = field(
        default_factory=lambda: BoundedCache(CACHED_RENDERS)
    )


async def _window(
    session: AsyncSession, caches: DigestCaches, window: DigestWindow, *, depth: int
) -> WindowArticles:
    cached = caches.windows.get(window)
    if cached is not None and (cached.complete or len(cached.articles) >= depth):
        return cached
    fetched = await window_articles(session, window, limit=depth)
    by_rank = ranked(fetched.articles, since=window.since, until=window.until)
    fetched = WindowArticles(by_rank, fetched.total, fetched.lowest_id, fetched.sources)
    caches.windows.put(window, fetched)
    return fetched


async def chat_shares(
    session: AsyncSession,
    caches: DigestCaches,
    window: DigestWindow,
    chat_ids: Sequence[int],
    *,
    cap: int,
    headlines: int = 0,
) -> dict[int, DigestPick]:
    """Each chat's digest out of the window it shares with the others (none: nothing new).

    Twice the digest's stories are read, so that the category cap
    (``digest.importance.pick_digest``) has others to take instead."""
    wanted = 2 * (cap + headlines)
    found = await _window(session, caches, window, depth=wanted)
    if found.lowest_id is None:
        return {}
    delivered = await delivered_in_window(
        session, window, chat_ids=chat_ids, lowest_id=found.lowest_id
    )
    # A chat already sent some of the window needs as many more to fill its digest.
    depth = wanted + max(map(len, delivered.values()), default=0)
    if depth > wanted:
        found = await _window(session, caches, window, depth=depth)
    return {
        chat_id: chat_share(
            found.articles,
            total=found.total,
            delivered=delivered.get(chat_id, set()),
            cap=cap,
            headlines=headlines,
        )
        for chat_id in chat_ids
    }


def window_sources(caches: DigestCaches, window: DigestWindow) -> dict[int, list[StorySource]]:
    """The sources of the window's stories that have several, as read with its stories."""
    cached = caches.windows.get(window)
    return cached.sources if cached is not None else {}


def render_digest(
    caches: DigestCaches,
    share: DigestPick,
    *,
    language: str,
    zone: ZoneInfo,
    now: datetime,
    sources: Mapping[int, Sequence[StorySource]] | None = None,
    script: str | None = None,
) -> ComposedDigest:
    """The digest, rendered once per distinct (stories, count, language, script, zone, day)
    while it stays in ``caches``; ``sources``: the other sources of its stories that have
    several; stories in ``script`` (``digest.scripts.in_script``)."""
    total = share.total
    day = now.astimezone(zone).date()
    listed = tuple(article.id for article in share.listed)
    key = (listed, len(share.top), total, language, script, zone.key, day)
    composed = caches.renders.get(key)
    if composed is None:
        shown = len(listed)
        texts = DigestTexts(
            header=say(language, "digest.header", date=day.isoformat(), count=total),
            more=say(language, "digest.more", count=total - shown) if total > shown else None,
            sources=lambda count: say(language, "digest.sources", count=count),
            headlines=say(language, "digest.headlines"),
        )
        label = english_label if language == "en" else (lambda name: name)
        composed = compose_digest(
            share.top,
            zone=zone,
            texts=texts,
            category_label=label,
            headlines=share.headlines,
            sources=sources,
            script=script,
        )
        caches.renders.put(key, composed)
    return composed


def subscription_window(
    categories: str,
    excluded: str,
    last_digest_at: datetime | None,
    now: datetime,
    *,
    max_age: timedelta | None,
) -> DigestWindow:
    """The window of a chat's next digest, from its subscription's stored categories (every
    one when none, but the ``excluded``) and its last digest; ``max_age``: how long before
    its ingest an article may have been published and still be news (``None``: any age)."""
    return DigestWindow(
        tuple(split_categories(categories)),
        window_since(last_digest_at, now),
        until=now,
        excluded=tuple(split_categories(excluded)),
        max_age=max_age,
    )


def window_since(last_digest_at: datetime | None, now: datetime) -> datetime:
    """Where a chat's next digest window starts: a little before its last digest, or a day
    back for its first."""
    if last_digest_at is None:
        return now - FIRST_DIGEST_WINDOW
    return last_digest_at - INGEST_SETTLE
