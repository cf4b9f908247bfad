"""Digests: due ones from the tick, and /digest on demand. One composition for both.

The tick reads due subscriptions in keyset pages and groups a page's chats by window
(categories, since): the window's articles are read once per tick, what the page's chats of
that window were already sent (alerts, /digest) in one query, and each distinct digest is
rendered once. A page's outbox rows, ledger rows and schedules take one statement each.
Memory is bounded by the page and two small caches, not by the number of chats.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import say
from bot.services.context import Caller, Runtime
from bot.services.zones import zone_or_default
from digest.article import StoredArticle
from digest.categories import english_label, known_category
from digest.compose import ComposedDigest, DigestTexts, chat_share, compose_digest
from digest.errors import NewsdigestError
from digest.reply import RecordedAhead, Reply
from digest.schedule import next_digest_at, same_local_day
from digest.text import clipped
from storage.articles import category_counts
from storage.claims import hold_subscription
from storage.heartbeats import beat
from storage.outbox import enqueue_batches
from storage.subscriptions import (
    DigestWindow,
    DueDigest,
    WindowArticles,
    claim_due_page,
    delivered_in_window,
    forget_deliveries,
    get_chat,
    get_subscription,
    record_deliveries,
    record_many_deliveries,
    rewind_last_digest,
    schedule_digests,
    split_categories,
    window_articles,
)

logger = logging.getLogger(__name__)
FIRST_DIGEST_WINDOW = timedelta(hours=24)
# A window starts this long before the previous digest: an ingest stamps articles when it
# writes them and commits later (a bulk ingest every 5,000), and on PostgreSQL a digest
# read meanwhile does not see them; from the next window they would be older than "since".
# The ledger keeps out what the previous digest sent.
INGEST_SETTLE = timedelta(minutes=15)
TICK_PAGE = 200
PAGE_PAUSE = 0.05
# Distinct windows and digests kept within a tick: chats due together mostly share a few,
# and the bound keeps memory flat when they do not.
CACHED_WINDOWS = 64
CACHED_RENDERS = 256
LISTED_NAMES_CHARS = 300  # an unknown category's error lists the real ones, on one line

K = TypeVar("K")
V = TypeVar("V")
RenderKey = tuple[tuple[int, ...], int, str, str, date]
Share = tuple[list[StoredArticle], int]  # a chat's digest articles and how many in all


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
    caches.windows.put(window, fetched)
    return fetched


async def _shares(
    session: AsyncSession,
    caches: DigestCaches,
    window: DigestWindow,
    chat_ids: Sequence[int],
    *,
    cap: int,
) -> dict[int, Share]:
    """Each chat's digest out of the window it shares with the others (none: nothing new)."""
    found = await _window(session, caches, window, depth=cap)
    if found.lowest_id is None:
        return {}
    delivered = await delivered_in_window(
        session, window, chat_ids=chat_ids, lowest_id=found.lowest_id
    )
    # A chat already sent some of the newest needs as many more to fill its digest.
    depth = cap + max(map(len, delivered.values()), default=0)
    if depth > cap:
        found = await _window(session, caches, window, depth=depth)
    return {
        chat_id: chat_share(
            found.articles, total=found.total, delivered=delivered.get(chat_id, set()), cap=cap
        )
        for chat_id in chat_ids
    }


def _render(
    caches: DigestCaches,
    share: Share,
    *,
    language: str,
    zone: ZoneInfo,
    now: datetime,
) -> ComposedDigest:
    """The digest, rendered once per distinct (articles, count, language, zone, day) while
    it stays in ``caches``."""
    articles, total = share
    day = now.astimezone(zone).date()
    key = (tuple(article.id for article in articles), total, language, zone.key, day)
    composed = caches.renders.get(key)
    if composed is None:
        shown = len(articles)
        texts = DigestTexts(
            header=say(language, "digest.header", date=day.isoformat(), count=total),
            more=say(language, "digest.more", count=total - shown) if total > shown else None,
        )
        label = english_label if language == "en" else (lambda name: name)
        composed = compose_digest(articles, zone=zone, texts=texts, category_label=label)
        caches.renders.put(key, composed)
    return composed


def _since(last_digest_at: datetime | None, now: datetime) -> datetime:
    if last_digest_at is None:
        return now - FIRST_DIGEST_WINDOW
    return last_digest_at - INGEST_SETTLE


async def digest_now(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:  # noqa: ARG001 - same signature as every command
    """/digest: what is new for this chat since its last digest, marked as sent.

    Marked before the reply goes out, while the chat's digest is held (a tick composing it
    meanwhile would list the same articles); the reply carries what it recorded, and what
    Telegram then refuses is given back (``give_back_unsent``).
    """
    now = runtime.now()
    caches = DigestCaches(BoundedCache(1), BoundedCache(1))
    async with runtime.db.transaction() as session:
        subscription = await hold_subscription(session, caller.chat_id)
        previous = subscription.last_digest_at if subscription else None
        window = DigestWindow(
            categories=tuple(split_categories(subscription.categories)) if subscription else (),
            since=_since(previous, now),
            until=now,
        )
        shares = await _shares(
            session, caches, window, [caller.chat_id], cap=runtime.settings.digest_max_articles
        )
        articles, total = shares.get(caller.chat_id, ([], 0))
        composed = None
        if articles:
            composed = _render(
                caches, (articles, total), language=caller.language, zone=caller.zone, now=now
            )
            await record_deliveries(
                session,
                chat_id=caller.chat_id,
                article_ids=[a.id for a in articles],
                kind="digest",
                now=now,
            )
        if subscription is not None:
            subscription.last_digest_at = now
    if composed is None:
        return Reply([say(caller.language, "digest.nothing")])
    return Reply(composed.messages, recorded=RecordedAhead(composed.article_ids, now, previous))


async def give_back_unsent(
    runtime: Runtime, chat_id: int, recorded: RecordedAhead, *, first_unsent: int
) -> None:
    """The reply's messages from ``first_unsent`` on were not sent: their articles leave
    the ledger, and the chat's last digest is set back if no digest came since, so the next
    digest lists them (the ledger still keeps out those the sent messages listed)."""
    unsent = [i for ids in recorded.article_ids[first_unsent:] for i in ids]
    if not unsent:
        return
    async with runtime.db.transaction() as session:
        # Held like /digest holds it: a tick composing this chat's digest meanwhile would
        # read the ledger half given back.
        await hold_subscription(session, chat_id)
        await forget_deliveries(
            session,
            chat_id=chat_id,
            article_ids=unsent,
            kind="digest",
            recorded_at=recorded.recorded_at,
        )
        await rewind_last_digest(
            session, chat_id, from_=recorded.recorded_at, to=recorded.previous_digest_at
        )
    logger.info("chat %s: %d articles not sent by /digest given back", chat_id, len(unsent))


async def _category_named(session: AsyncSession, name: str) -> str:
    """The category ``name`` stands for: a known one (by any alias) or one stored articles
    carry; otherwise an error listing the real ones, as /category answers."""
    known = known_category(name)
    if known is not None:
        return known.name
    stored = [category for category, _count in await category_counts(session)]
    if name in stored:
        return name
    names = clipped(", ".join(stored), LISTED_NAMES_CHARS) if stored else "none yet"
    raise NewsdigestError(f"there is no category “{name}”. Categories: {names}")


async def preview_digest(
    runtime: Runtime, *, chat_id: int | None, category: str | None
) -> list[str]:
    """What ``newsdigest digest`` prints: the digest the chat would be sent now (its
    categories, since its last digest), or without a chat what is new in the last 24
    hours; ``category`` narrows it to one. Nothing is marked as sent.

    Raises NewsdigestError for a chat the bot never talked in and for a category that is
    neither a known one nor one stored articles carry (a typo would otherwise read as
    "nothing new")."""
    now = runtime.now()
    caches = DigestCaches(BoundedCache(1), BoundedCache(1))
    async with runtime.db.transaction() as session:
        chat = await get_chat(session, chat_id) if chat_id is not None else None
        subscription = await get_subscription(session, chat_id) if chat_id is not None else None
        categories = tuple(split_categories(subscription.categories)) if subscription else ()
        if chat_id is not None and chat is None:
            raise NewsdigestError(f"there is no chat {chat_id}: the bot has never talked in it")
        if category is not None:
            categories = (await _category_named(session, category),)
        last = subscription.last_digest_at if subscription else None
        window = DigestWindow(categories, _since(last, now), until=now)
        reader = chat_id if chat_id is not None else 0  # no chat: nothing was sent to it
        cap = runtime.settings.digest_max_articles
        share = (await _shares(session, caches, window, [reader], cap=cap)).get(reader)
    if share is None or not share[0]:
        return []
    language = chat.language if chat is not None else "zh"
    zone = zone_or_default(chat.timezone if chat else None, runtime.settings.zone)
    return _render(caches, share, language=language, zone=zone, now=now).messages


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
    for due in page:
        zone = zone_or_default(due.timezone, runtime.settings.zone)
        last = due.last_digest_at
        if same_local_day(due.next_digest_at, now, zone):
            categories = tuple(split_categories(due.categories))
            window = DigestWindow(categories, _since(due.last_digest_at, now), until=now)
            windows.setdefault(window, []).append((due, zone))
            last = now
        else:
            logger.info("digest for chat %s missed on an earlier day: skipped", due.chat_id)
        following = next_digest_at(now, time.fromisoformat(due.digest_time), zone)
        schedules.append((due.chat_id, following, last))
    outbox: list[tuple[int, list[str]]] = []
    ledger: list[tuple[int, int]] = []
    cap = runtime.settings.digest_max_articles
    for window, members in windows.items():
        chat_ids = [due.chat_id for due, _ in members]
        shares = await _shares(session, caches, window, chat_ids, cap=cap)
        for due, zone in members:
            share = shares.get(due.chat_id)
            if share is None or not share[0]:
                continue
            composed = _render(caches, share, language=due.language, zone=zone, now=now)
            outbox.append((due.chat_id, composed.messages))
            ledger.extend((due.chat_id, article.id) for article in share[0])
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
    while True:
        async with runtime.db.transaction() as session:
            page = await claim_due_page(session, now=now, after=after, limit=TICK_PAGE)
            queued += await _queue_page(session, runtime, page, now, caches)
            if len(page) < TICK_PAGE:
                await beat(session, "digest_tick", now=runtime.now(), detail=f"queued {queued}")
                return queued
        after = page[-1].cursor
        # The tick runs far ahead of delivery (30 messages/s): a pause between pages leaves
        # the event loop to the sends, and on SQLite lets the delivery worker, waiting in
        # the busy handler's polls for the write lock, take it before the next page does.
        await asyncio.sleep(PAGE_PAUSE)
