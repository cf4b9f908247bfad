"""The alert job: match newly ingested articles against every watch, and queue alerts.

It reads articles past a cursor in the database, so an article is matched once whichever
process ingested it (the CLI, a feed poll, another bot), and one ingested just before a crash
is matched after the restart. Alerts go through the outbox and the delivery workers like
digests, and into the same ledger: the next digest does not list them again.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import say
from bot.services.context import Runtime
from bot.services.zones import zone_or_default
from digest.article import StoredArticle
from digest.capped_matching import ArticleMatch, CappedMatching
from digest.categories import english_label
from digest.render import pack_messages, render_article
from digest.schedule import next_digest_at
from digest.watching import WatchIndex
from storage.alert_cursor import (
    articles_to_match,
    claim_cursor,
    last_article_to_match,
    move_cursor,
)
from storage.alert_gaps import articles_in_gaps, gaps_passed, remember_gaps
from storage.alert_queue import (
    AlertChat,
    DueAlert,
    alert_chats,
    delivered_since,
    queue_alert_messages,
    queue_alerts,
    record_alert_deliveries,
    take_due_alerts,
    waiting_alert_counts,
)
from storage.articles import articles_by_ids
from storage.heartbeats import beat
from storage.watches import all_watches, count_matches, watches_fingerprint

CURSOR = "alerts"
# A writer gets this long between taking an article id and committing it before the cursor
# passes that id (ids are not committed in order when several processes ingest).
COMMIT_GRACE = timedelta(seconds=5)
PAGE = 1_000
QUEUE_BATCH = 10_000  # matches held in memory before they go to the waiting table
MAX_ALERTS_PER_MESSAGE = 10
# Chats whose due alerts a run sends (one message each; a run every 10 s): two thirds of
# what Telegram accepts in that time (30 a second), the rest left for digests and replies.
# The others wait their turn in the waiting table, at most ten alerts a chat.
ALERT_CHATS_PER_RUN = 200


class AlertMatcher:
    """The watch index, rebuilt only when the watches change."""

    def __init__(self) -> None:
        self._fingerprint: tuple[int, int, int] | None = None
        self.index = WatchIndex([])

    async def refresh(self, session: AsyncSession) -> WatchIndex:
        fingerprint = await watches_fingerprint(session)
        if fingerprint != self._fingerprint:
            self.index = WatchIndex(await all_watches(session))
            self._fingerprint = fingerprint
        return self.index


def in_quiet_hours(chat: AlertChat, now: datetime, default_zone: ZoneInfo) -> datetime | None:
    """When the chat's quiet hours end, if ``now`` falls in them; otherwise ``None``."""
    if not chat.quiet_start or not chat.quiet_end:
        return None
    zone = zone_or_default(chat.timezone, default_zone)
    start, end = time.fromisoformat(chat.quiet_start), time.fromisoformat(chat.quiet_end)
    local = now.astimezone(zone).time()
    quiet = start <= local < end if start < end else (local >= start or local < end)
    return next_digest_at(now, end, zone) if quiet else None


async def _match_new_articles(
    session: AsyncSession, runtime: Runtime, matcher: AlertMatcher, position: int, now: datetime
) -> None:
    """Match the articles past the cursor's ``position`` (the caller holds the cursor) and
    queue their alerts.

    A chat gets at most ``MAX_ALERTS_PER_MESSAGE`` alerts waiting, those of this run
    included: a watch that matches a flood of articles alerts the first ones, and the rest
    wait for the chat's digest instead of flooding it (and cost no bookkeeping here). During
    quiet hours that is the same as collecting them all: one message lists that many.
    """
    ingested_before = now - COMMIT_GRACE
    index = await matcher.refresh(session)
    if not index.size:  # nothing to match against: the cursor just moves on
        end = await last_article_to_match(
            session, after_id=position, ingested_before=ingested_before
        )
        await move_cursor(session, CURSOR, end)
        return
    waiting = await waiting_alert_counts(session)
    matching = CappedMatching(index, MAX_ALERTS_PER_MESSAGE, waiting)
    due_at: dict[int, datetime] = {}  # per chat: now, or the end of its quiet hours
    late = await articles_in_gaps(session, now=now, ingested_before=ingested_before)
    matches = matching.match_page(late.ids, late.texts, late.categories)
    gaps: list[tuple[int, int]] = []
    while True:
        articles = await articles_to_match(
            session, after_id=position, ingested_before=ingested_before, limit=PAGE
        )
        if articles.ids:
            matches.extend(matching.match_page(articles.ids, articles.texts, articles.categories))
            gaps += gaps_passed(position, articles.ids)
            position = articles.ids[-1]
        last_page = len(articles.ids) < PAGE
        if last_page or len(matches) >= QUEUE_BATCH:
            await _queue(session, runtime, matches, matching=matching, due_at=due_at, now=now)
            matches = []
        if last_page:
            break
    await remember_gaps(session, gaps, now=now)
    await move_cursor(session, CURSOR, position)
    await count_matches(session, matching.match_counts())


async def _queue(
    session: AsyncSession,
    runtime: Runtime,
    matches: list[ArticleMatch],
    *,
    matching: CappedMatching,
    due_at: dict[int, datetime],
    now: datetime,
) -> None:
    """Put these matches in the waiting table, each due when its chat's quiet hours end (or
    now). Chats seen for the first time in this run are read in one query; a chat that no
    longer exists gets nothing."""
    new = {m.chat_id for m in matches} - due_at.keys()
    if new:
        chats = await alert_chats(session, new)
        for chat_id in new:
            chat = chats.get(chat_id)
            if chat is None:
                matching.close(chat_id)
            else:
                due_at[chat_id] = in_quiet_hours(chat, now, runtime.settings.zone) or now
    await queue_alerts(session, [m for m in matches if m.chat_id in due_at], due_at=due_at)


def _render_alert(
    alerts: list[DueAlert],
    articles: dict[int, StoredArticle],
    chat: AlertChat,
    runtime: Runtime,
    rendered: dict[tuple[int, str, str, tuple[str, ...]], str],
) -> tuple[list[str], str]:
    """One chat's alert: its messages and the buttons under the last (the unwatch button
    of the first alert's watch). An article rendered for one chat is reused for the next
    with the same language, zone and words."""
    language = chat.language
    zone = zone_or_default(chat.timezone, runtime.settings.zone)
    blocks = []
    for alert in alerts:
        key = (alert.article_id, language, zone.key, tuple(alert.phrases))
        if key not in rendered:
            article = articles[alert.article_id]
            rendered[key] = render_article(
                article,
                zone=zone,
                category_label=english_label(article.category) if language == "en" else None,
                highlight=alert.phrases,
            )
        blocks.append(rendered[key])
    phrases = sorted({p for a in alerts for p in a.phrases})
    header = say(language, "alert.header", phrases="、".join(phrases))
    first = alerts[0]
    button = [say(language, "alert.unwatch", phrase=first.phrases[0]), f"uw:{first.watch_id}"]
    return pack_messages(blocks, header=header), json.dumps([[button]], ensure_ascii=False)


async def _send_due_alerts(session: AsyncSession, runtime: Runtime, now: datetime) -> int:
    """Queue one message per chat for its due alerts; the number of messages queued.

    An article the chat already got (a digest sent it while the alert waited out quiet
    hours) is dropped; a chat gets at most ``MAX_ALERTS_PER_MESSAGE``, the rest wait for
    its digest. Every statement covers all the chats at once."""
    due = await take_due_alerts(session, now=now, chats=ALERT_CHATS_PER_RUN)
    if not due:
        return 0
    sent = await delivered_since(
        session, {a.chat_id for a in due}, first_article_id=min(a.article_id for a in due)
    )
    by_chat: dict[int, list[DueAlert]] = defaultdict(list)
    for alert in due:
        listed = by_chat[alert.chat_id]
        if (alert.chat_id, alert.article_id) not in sent and len(listed) < MAX_ALERTS_PER_MESSAGE:
            listed.append(alert)
    # Each article once: popular words send the same ones to many chats.
    wanted = sorted({a.article_id for alerts in by_chat.values() for a in alerts})
    articles = {a.id: a for a in await articles_by_ids(session, wanted)}
    chats = await alert_chats(session, by_chat)
    rendered: dict[tuple[int, str, str, tuple[str, ...]], str] = {}
    messages: list[tuple[int, list[str], str]] = []
    delivered: list[tuple[int, int]] = []
    for chat_id, alerts in by_chat.items():
        chat = chats.get(chat_id)
        listed = [a for a in alerts if a.article_id in articles]  # not pruned meanwhile
        if chat is None or not listed:
            continue
        texts, buttons = _render_alert(listed, articles, chat, runtime, rendered)
        messages.append((chat_id, texts, buttons))
        delivered.extend((chat_id, a.article_id) for a in listed)
    await queue_alert_messages(session, messages, now=now)
    await record_alert_deliveries(session, delivered, now=now)
    return len(messages)


async def alert_tick(runtime: Runtime, matcher: AlertMatcher) -> int:
    """Match what was ingested since the last tick, then queue the alerts that are due.

    One process at a time: the one holding the cursor does both (two processes taking the
    same due alerts would send them twice); the others return 0 at once."""
    now = runtime.now()
    async with runtime.db.transaction() as session:
        position = await claim_cursor(session, CURSOR, start_before=now - COMMIT_GRACE)
        if position is None:
            return 0
        await _match_new_articles(session, runtime, matcher, position, now)
        queued = await _send_due_alerts(session, runtime, now)
        await beat(session, "alert_tick", now=now, detail=f"queued {queued}")
    return queued
