"""The alert job: match newly ingested articles against every watch, and queue alerts.

It reads articles past a cursor in the database, so an article is matched once whichever
process ingested it (the CLI, a feed poll, another bot), and one ingested just before a crash
is matched after the restart. Alerts go through the outbox and the delivery workers like
digests, and into the same ledger: the next digest does not list them again.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import say
from bot.services.context import Runtime
from bot.services.zones import zone_or_default
from digest.categories import english_label
from digest.render import pack_messages, render_article
from digest.schedule import next_digest_at
from digest.watching import Watch, WatchIndex, normalise_phrase
from storage.articles import articles_by_ids
from storage.heartbeats import beat
from storage.models import Chat, PendingAlert
from storage.outbox import enqueue_messages
from storage.subscriptions import record_many_deliveries
from storage.watches import (
    all_watches,
    already_delivered,
    articles_to_match,
    chats_by_id,
    claim_cursor,
    count_matches,
    last_article_id_before,
    move_cursor,
    queue_alerts,
    take_due_alerts,
    watches_fingerprint,
)

CURSOR = "alerts"
# A writer gets this long between taking an article id and committing it before the cursor
# passes that id (ids are not committed in order when several processes ingest).
COMMIT_GRACE = timedelta(seconds=5)
PAGE = 1_000
MAX_ALERTS_PER_MESSAGE = 10


class AlertMatcher:
    """The watch automaton, rebuilt only when the watches change."""

    def __init__(self) -> None:
        self._fingerprint: tuple[int, int, int] | None = None
        self.index = WatchIndex([])

    async def refresh(self, session: AsyncSession) -> WatchIndex:
        fingerprint = await watches_fingerprint(session)
        if fingerprint != self._fingerprint:
            self.index = WatchIndex(await all_watches(session))
            self._fingerprint = fingerprint
        return self.index


def in_quiet_hours(chat: Chat, now: datetime, default_zone: ZoneInfo) -> datetime | None:
    """When the chat's quiet hours end, if ``now`` falls in them; otherwise ``None``."""
    if not chat.quiet_start or not chat.quiet_end:
        return None
    zone = zone_or_default(chat.timezone, default_zone)
    start, end = time.fromisoformat(chat.quiet_start), time.fromisoformat(chat.quiet_end)
    local = now.astimezone(zone).time()
    quiet = start <= local < end if start < end else (local >= start or local < end)
    return next_digest_at(now, end, zone) if quiet else None


@dataclass(slots=True)
class _Match:
    phrases: set[str]
    watch_id: int


async def _match_new_articles(
    session: AsyncSession, runtime: Runtime, matcher: AlertMatcher, now: datetime
) -> None:
    start = await last_article_id_before(session, now - COMMIT_GRACE)
    position = await claim_cursor(session, CURSOR, start=start)
    if position is None:
        return  # another process is matching right now
    index = await matcher.refresh(session)
    per_chat: Counter[int] = Counter()
    while True:
        articles = await _articles_page(session, position, now)
        if not articles:
            break
        if index.size:
            await _alert_page(session, runtime, index, articles, now, per_chat=per_chat)
        position = articles[-1][0]
        await move_cursor(session, CURSOR, position)
        if len(articles) < PAGE:
            break


async def _articles_page(
    session: AsyncSession, position: int, now: datetime
) -> list[tuple[int, str, str, str]]:
    return await articles_to_match(
        session, after_id=position, ingested_before=now - COMMIT_GRACE, limit=PAGE
    )


async def _alert_page(
    session: AsyncSession,
    runtime: Runtime,
    index: WatchIndex,
    articles: list[tuple[int, str, str, str]],
    now: datetime,
    *,
    per_chat: Counter[int],
) -> None:
    """Queue the alerts of one page of articles. A chat gets at most
    ``MAX_ALERTS_PER_MESSAGE`` per run: a watch that matches a flood of articles alerts the
    first ones, and the rest wait for the chat's digest instead of flooding it."""
    found: dict[tuple[int, int], _Match] = {}
    counts: Counter[int] = Counter()
    for article_id, title, content, category in articles:
        text = normalise_phrase(f"{title}\n{content}")
        for watch in index.match(text, category):
            _record_match(found, counts, article_id, watch)
    if not found:
        return
    sent = await already_delivered(session, [article_id for _chat, article_id in found])
    chats = await chats_by_id(session, list({chat_id for chat_id, _ in found}))
    alerts = []
    for (chat_id, article_id), match in found.items():
        chat = chats.get(chat_id)
        if (chat_id, article_id) in sent or chat is None:
            continue
        if per_chat[chat_id] >= MAX_ALERTS_PER_MESSAGE:
            continue
        per_chat[chat_id] += 1
        due = in_quiet_hours(chat, now, runtime.settings.zone) or now
        alerts.append(
            PendingAlert(
                chat_id=chat_id,
                article_id=article_id,
                phrases="\n".join(sorted(match.phrases)),
                watch_id=match.watch_id,
                due_at=due,
            )
        )
    await queue_alerts(session, alerts)
    await count_matches(session, counts)


def _record_match(
    found: dict[tuple[int, int], _Match], counts: Counter[int], article_id: int, watch: Watch
) -> None:
    counts[watch.id] += 1
    key = (watch.chat_id, article_id)
    if key in found:
        found[key].phrases.add(watch.phrase)
    else:
        found[key] = _Match(phrases={watch.phrase}, watch_id=watch.id)


async def _send_due_alerts(session: AsyncSession, runtime: Runtime, now: datetime) -> int:
    """Queue one message per chat for its due alerts; the number of messages queued."""
    due = await take_due_alerts(session, now=now, limit=5_000)
    if not due:
        return 0
    by_chat: dict[int, list[PendingAlert]] = defaultdict(list)
    for alert in due:
        by_chat[alert.chat_id].append(alert)
    articles = {a.id: a for a in await articles_by_ids(session, [a.article_id for a in due])}
    chats = await chats_by_id(session, list(by_chat))
    queued = 0
    delivered: list[tuple[int, int]] = []
    for chat_id, alerts in by_chat.items():
        chat = chats.get(chat_id)
        listed = [a for a in alerts if a.article_id in articles][:MAX_ALERTS_PER_MESSAGE]
        if chat is None or not listed:
            continue
        language = chat.language
        zone = zone_or_default(chat.timezone, runtime.settings.zone)
        phrases = sorted({p for a in listed for p in a.phrases.split("\n")})
        blocks = [
            render_article(
                articles[a.article_id],
                zone=zone,
                category_label=english_label(articles[a.article_id].category)
                if language == "en"
                else None,
                highlight=a.phrases.split("\n"),
            )
            for a in listed
        ]
        header = say(language, "alert.header", phrases="、".join(phrases))
        first = listed[0]
        button = [
            [
                say(language, "alert.unwatch", phrase=first.phrases.split("\n")[0]),
                f"uw:{first.watch_id}",
            ]
        ]
        await enqueue_messages(
            session,
            chat_id=chat_id,
            kind="alert",
            texts=pack_messages(blocks, header=header),
            buttons=json.dumps([button], ensure_ascii=False),
            now=now,
        )
        delivered.extend((chat_id, a.article_id) for a in listed)
        queued += 1
    await record_many_deliveries(session, delivered, kind="alert", now=now)
    return queued


async def alert_tick(runtime: Runtime, matcher: AlertMatcher) -> int:
    """Match what was ingested since the last tick, then queue the alerts that are due."""
    now = runtime.now()
    async with runtime.db.transaction() as session:
        await _match_new_articles(session, runtime, matcher, now)
        queued = await _send_due_alerts(session, runtime, now)
        await beat(session, "alert_tick", now=now, detail=f"queued {queued}")
    return queued
